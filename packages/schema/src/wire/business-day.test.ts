import { expect, test } from 'vitest';
import { businessDay } from './business-day.ts';

test('a night running past midnight is one business day; 06:00 UTC starts the next', () => {
  expect(businessDay(new Date('2026-11-21T20:00:00Z'))).toBe('2026-11-21');
  expect(businessDay(new Date('2026-11-22T03:59:59Z'))).toBe('2026-11-21');
  expect(businessDay(new Date('2026-11-22T05:59:59.999Z'))).toBe('2026-11-21');
  expect(businessDay(new Date('2026-11-22T06:00:00Z'))).toBe('2026-11-22');
});
