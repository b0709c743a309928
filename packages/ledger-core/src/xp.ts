/** XP an applied NC sale grants: 1 XP per whole NC spent. */
export function xpForSale(amountNc: number): number {
  return Math.floor(amountNc / 100);
}

/** XP needed to reach `level` (level 1 at 0 XP, then 100, 300, 600, …). */
export function xpForLevel(level: number): number {
  return 50 * level * (level - 1);
}

/** The level is a pure function of XP: the highest level whose threshold is met. */
export function levelForXp(xp: number): number {
  if (xp <= 0) return 1;
  let level = Math.max(1, Math.floor((1 + Math.sqrt(1 + xp / 12.5)) / 2));
  // Float sqrt may be one off near a threshold; settle it with integers.
  while (xpForLevel(level + 1) <= xp) level++;
  while (level > 1 && xpForLevel(level) > xp) level--;
  return level;
}
