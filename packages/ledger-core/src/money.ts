/**
 * Money is integers in minor units, never floats: 1 NC = 100 `Nc`,
 * 1 CHF = 100 `Chf` (Rappen). The aliases document intent at call sites.
 */
export type Nc = number;
export type Chf = number;

/** True for an integer the contract allows (within ±2^53). */
export function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Sum of integers that throws instead of silently losing precision. */
export function sumMinor(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) {
    total += value;
    if (!Number.isSafeInteger(total)) throw new RangeError('sum exceeds ±2^53');
  }
  return total;
}

/** "12.50" for 1250 minor units; the sign is kept for debts. */
export function formatMinor(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Minor units from an amount a person typed: digits, then up to two
 * decimals after a point or a comma (Swiss keyboards offer the comma), e.g.
 * "12", "12.5", "12,50". Null for anything else, empty included: a typo
 * must not become 0 or round away a third decimal.
 */
export function parseMinor(text: string): number | null {
  const match = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
