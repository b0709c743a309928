import { expect, test } from 'vitest';
import { defaultNight } from './default-night.ts';

const opensOn = (iso: string) => defaultNight(new Date(iso)).start.toISOString();

test('in the small hours and the next afternoon the report opens on the night that is ending or ended', () => {
  expect(opensOn('2026-11-22T02:30:00Z')).toBe('2026-11-21T06:00:00.000Z');
  expect(opensOn('2026-11-22T06:00:00Z')).toBe('2026-11-21T06:00:00.000Z');
  expect(opensOn('2026-11-22T15:00:00Z')).toBe('2026-11-21T06:00:00.000Z');
  expect(opensOn('2026-11-22T17:59:59Z')).toBe('2026-11-21T06:00:00.000Z');
});

test('from 18:00 UTC, before doors open, it opens on the night that is starting', () => {
  expect(opensOn('2026-11-22T18:00:00Z')).toBe('2026-11-22T06:00:00.000Z');
  expect(opensOn('2026-11-22T23:30:00Z')).toBe('2026-11-22T06:00:00.000Z');
  expect(defaultNight(new Date('2026-11-22T23:30:00Z')).day).toBe('2026-11-22');
});
