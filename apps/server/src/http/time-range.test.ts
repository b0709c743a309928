import { expect, test } from 'vitest';
import { AppError } from '../errors.ts';
import { readTimeRange } from './time-range.ts';

const DAY = 24 * 3600_000;

test('both ends given are taken as they are', () => {
  const range = readTimeRange(
    { from: '2026-11-20T18:00:00+01:00', to: '2026-11-21T06:00:00Z' },
    DAY,
  );
  expect(range.from.toISOString()).toBe('2026-11-20T17:00:00.000Z');
  expect(range.to.toISOString()).toBe('2026-11-21T06:00:00.000Z');
});

test('a missing from is the default span before to', () => {
  const range = readTimeRange({ to: '2026-11-21T06:00:00Z' }, 7 * DAY);
  expect(range.from.toISOString()).toBe('2026-11-14T06:00:00.000Z');
});

test('a missing to is now', () => {
  const before = Date.now();
  const range = readTimeRange({}, DAY);
  expect(range.to.getTime()).toBeGreaterThanOrEqual(before);
  expect(range.to.getTime() - range.from.getTime()).toBe(DAY);
});

test.each([
  [{ from: 'yesterday' }, /from/],
  [{ to: '2026-11-21T06:00:00' }, /to/],
  [{ from: '2026-11-21T06:00:00Z', to: '2026-11-21T06:00:00Z' }, /from must be before to/],
  [{ from: '2026-11-20T00:00:00Z', extra: '1' }, /extra/],
  [{ from: '0000-01-01T00:00:00Z' }, /years 0001 to 9999/],
  [{ from: '9999-12-31T00:00:00Z', to: '9999-12-31T23:00:00-05:00' }, /years 0001 to 9999/],
])('%o is a 400', (query, message) => {
  let caught: unknown;
  try {
    readTimeRange(query as Record<string, string>, DAY);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).status).toBe(400);
  expect((caught as AppError).message).toMatch(message);
});
