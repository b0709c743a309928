import { expect, test } from 'vitest';
import { asOf, clock, timeLeft } from './format.ts';

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

test('a wait left is rounded up: seconds under two minutes, whole minutes above', () => {
  expect(timeLeft(60_000)).toBe('60 s');
  expect(timeLeft(41_001)).toBe('42 s');
  expect(timeLeft(1)).toBe('1 s');
  expect(timeLeft(0)).toBe('0 s');
  expect(timeLeft(-5_000)).toBe('0 s');
  expect(timeLeft(119_000)).toBe('119 s');
  expect(timeLeft(120_000)).toBe('2 min');
  expect(timeLeft(14 * 60_000 + 1)).toBe('15 min');
});
