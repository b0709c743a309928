import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ago, clock, when } from './format.ts';

// Dates are shown in the phone's own zone: pin one so the hour is known.
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Zurich';
});
afterAll(() => {
  process.env.TZ = zone;
});

describe('dates read in English, on the 24-hour clock', () => {
  // A Wednesday afternoon in Zurich: 15:28 local.
  const iso = '2025-11-26T14:28:00Z';

  test('a moment names its weekday and month in English', () => {
    expect(when(iso)).toBe('Wed 26 Nov, 15:28');
  });

  test('a time of day is on the 24-hour clock', () => {
    expect(clock(Date.parse(iso))).toBe('15:28');
  });

  test('a copy older than a day and a half gives its date in English', () => {
    const at = Date.parse(iso);
    expect(ago(at, at + 3 * 24 * 3600_000)).toBe('26 Nov');
  });
});
