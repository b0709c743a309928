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
