import { describe, expect, test } from 'vitest';
import { formatMinor, isMinorUnits, parseMinor, sumMinor } from './money.ts';

describe('isMinorUnits', () => {
  test.each([
    [0, true],
    [-250, true],
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MAX_SAFE_INTEGER + 1, false],
    [12.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ['100', false],
    [null, false],
  ])('%s → %s', (value, expected) => {
    expect(isMinorUnits(value)).toBe(expected);
  });
});

describe('sumMinor', () => {
  test('adds integers', () => {
    expect(sumMinor([900, -250, 1_000])).toBe(1_650);
    expect(sumMinor([])).toBe(0);
  });

  test('throws instead of losing precision beyond 2^53', () => {
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});

describe('formatMinor', () => {
  test.each([
    [0, '0.00'],
    [5, '0.05'],
    [1_250, '12.50'],
    [100_000, '1000.00'],
    [-5, '-0.05'],
    [-1_250, '-12.50'],
  ])('formats %i as %s', (amount, text) => {
    expect(formatMinor(amount)).toBe(text);
  });
});

describe('parseMinor', () => {
  test.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12,50', 1250],
    [' 0.05 ', 5],
    ['0', 0],
    ['', null],
    ['  ', null],
    ['abc', null],
    ['12.505', null],
    ['-3', null],
    ['1e3', null],
    ['12.', null],
    ['.5', null],
    ['1,234.50', null],
    ['99999999999999999', null],
  ])('%j → %s', (text, expected) => {
    expect(parseMinor(text)).toBe(expected);
  });

  test('reads back what formatMinor writes', () => {
    for (const minor of [0, 5, 99, 100, 1250, 123_456_789]) {
      expect(parseMinor(formatMinor(minor))).toBe(minor);
    }
  });
});
