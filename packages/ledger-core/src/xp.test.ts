import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { levelForXp, xpForLevel, xpForSale } from './xp.ts';

const LEVELS = Array.from({ length: 199 }, (_, i) => i + 2);

describe('xpForSale', () => {
  test.each([
    [0, 0],
    [99, 0],
    [100, 1],
    [199, 1],
    [900, 9],
    [12_345, 123],
  ])('grants floor(%i / 100) XP: %i', (amountNc, xp) => {
    expect(xpForSale(amountNc)).toBe(xp);
  });

  test('grants one XP per whole NC for any amount', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (amountNc) => {
        const xp = xpForSale(amountNc);
        expect(Number.isSafeInteger(xp)).toBe(true);
        expect(xp * 100).toBeLessThanOrEqual(amountNc);
        expect((xp + 1) * 100).toBeGreaterThan(amountNc);
      }),
      { numRuns: 200 },
    );
  });
});

describe('xpForLevel', () => {
  test('starts at level 1 with 0 XP, then 100, 300, 600', () => {
    expect([1, 2, 3, 4].map(xpForLevel)).toEqual([0, 100, 300, 600]);
  });
});

describe('levelForXp', () => {
  test('is level 1 at 0 XP and below', () => {
    expect(levelForXp(0)).toBe(1);
    expect(levelForXp(-50)).toBe(1);
    expect(levelForXp(99)).toBe(1);
  });

  test('reaches each level 2..200 exactly at its threshold, not one XP before', () => {
    for (const level of LEVELS) {
      expect(levelForXp(xpForLevel(level)), `at level ${level}`).toBe(level);
      expect(levelForXp(xpForLevel(level) - 1), `below level ${level}`).toBe(level - 1);
    }
  });

  test('settles thresholds exactly at large levels too', () => {
    for (const level of [1_000, 4_096, 65_536, 1_000_000, 13_000_000]) {
      expect(levelForXp(xpForLevel(level))).toBe(level);
      expect(levelForXp(xpForLevel(level) - 1)).toBe(level - 1);
      expect(levelForXp(xpForLevel(level + 1) - 1)).toBe(level);
    }
  });

  test('never falls as XP grows', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), fc.nat({ max: 10 ** 6 }), (xp, more) => {
        expect(levelForXp(xp + more)).toBeGreaterThanOrEqual(levelForXp(xp));
      }),
      { numRuns: 500 },
    );
  });

  test('is the highest level whose threshold the XP meets', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), (xp) => {
        const level = levelForXp(xp);
        expect(xpForLevel(level)).toBeLessThanOrEqual(xp);
        expect(xpForLevel(level + 1)).toBeGreaterThan(xp);
      }),
      { numRuns: 500 },
    );
  });
});
