import { expect, test } from 'vitest';
import { asOf, clock } from './format.ts';

test('a balance from today shows its time only; an older one its date before the time', () => {
  const now = new Date(2026, 10, 23, 23, 50);
  const tonight = new Date(2026, 10, 23, 22, 15).toISOString();
  expect(asOf(tonight, now)).toBe(clock(tonight));
  const weeksAgo = new Date(2026, 10, 1, 22, 15).toISOString();
  const shown = asOf(weeksAgo, now);
  expect(shown.endsWith(` ${clock(weeksAgo)}`)).toBe(true);
  expect(shown).toMatch(/\b1\b/);
  expect(shown.length).toBeGreaterThan(clock(weeksAgo).length + 3);
});
