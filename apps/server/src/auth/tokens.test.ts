import { expect, test } from 'vitest';
import { revokedUpToMs } from './tokens.ts';

test('a sign-out time is read in ms, and as epoch seconds + 1 when an older release wrote it', () => {
  expect(revokedUpToMs(null)).toBe(0);
  expect(revokedUpToMs('1795000000123')).toBe(1_795_000_000_123);
  // Seconds + 1 voided every token of that second: read as the start of the next.
  expect(revokedUpToMs('1795000001')).toBe(1_795_000_001_000);
});
