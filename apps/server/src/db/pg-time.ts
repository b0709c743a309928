/**
 * What PostgreSQL reads as a time. A value it refuses fails the query (500);
 * a caller that checks first answers 400 instead.
 */

/** Year 0 and years past 9999 (toISOString writes "+010000") are no PostgreSQL time. */
export const isPgYear = (year: number) => year >= 1 && year <= 9999;

/** A timestamptz as PostgreSQL writes it as text, split into its fields. */
const PG_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::([0-5]\d))?(?::([0-5]\d))?$/;

/** Whether `text` is a time PostgreSQL wrote and will read back: no month 13, no 29 February 2023. */
export function isPgTimestamp(text: string): boolean {
  const fields = PG_TIMESTAMP.exec(text)?.slice(1, 8);
  if (!fields) return false;
  const [year, month, day, hour, minute, second, offsetHours] = fields.map(Number);
  const d = new Date(0);
  d.setUTCFullYear(year ?? 0, (month ?? 0) - 1, day);
  d.setUTCHours(hour ?? 0, minute, second);
  return (
    isPgYear(year ?? 0) &&
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === (month ?? 0) - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second &&
    (offsetHours ?? 0) <= 15
  );
}
