import { BUSINESS_DAY_START_HOUR_UTC } from '@niteos/schema/wire';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * How long into a business day the report still opens on the night before:
 * until 18:00 UTC (19:00 or 20:00 in Switzerland), before doors open.
 */
const LAST_NIGHT_UNTIL_HOURS = 12;

/**
 * The night the report opens on: a business day as Tonight counts it
 * (06:00 to 06:00 UTC), the one that held the moment 12 hours before
 * `now`. The business day of `now` itself would give a manager who opens
 * the report the next afternoon only the quiet hours since 06:00 and none
 * of the night; so from 06:00 to 18:00 UTC it is the night that ended at
 * 06:00, and from 18:00 UTC on the night that is starting. The report
 * runs on to `now`: what was sold since 06:00 shows, never hides.
 */
export function defaultNight(now: Date): { day: string; start: Date } {
  const shifted = now.getTime() - (BUSINESS_DAY_START_HOUR_UTC + LAST_NIGHT_UNTIL_HOURS) * HOUR_MS;
  const start = Math.floor(shifted / DAY_MS) * DAY_MS + BUSINESS_DAY_START_HOUR_UTC * HOUR_MS;
  return { day: new Date(start).toISOString().slice(0, 10), start: new Date(start) };
}
