/**
 * "Tonight" everywhere in NiteOS: the business day starts at 06:00 UTC, so
 * a night that runs from 20:00 to 05:00 is one day. Venues keep no time
 * zone yet; UTC keeps every server process and the SQL snapshots agreeing.
 */
export const BUSINESS_DAY_START_HOUR_UTC = 6;

/** The business day `at` belongs to, as `YYYY-MM-DD`. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() - BUSINESS_DAY_START_HOUR_UTC * 3_600_000)
    .toISOString()
    .slice(0, 10);
}
