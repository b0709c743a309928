import { expect, test } from 'vitest';
import {
  createNoWalletAnswers,
  LOOKUP_AGAIN_AFTER_MS,
  lookupDue,
  NO_WALLET_STANDS_MS,
} from './wallet-lookup.ts';

const tag = 'ab12cd34ef';
const none = { snapshot: undefined, blocked: false };
const pulled = {
  snapshot: { nitetapId: tag, balanceNc: 100, asOf: '2026-11-25T10:00:00Z' },
  blocked: false,
};
const lookedUp = { snapshot: { ...pulled.snapshot, lookedUpAt: 1_000 }, blocked: false };

test('a tag with no snapshot is looked up online, once whole, unless blocked', () => {
  expect(lookupDue(tag, none, true, 0, undefined)).toBe(true);
  expect(lookupDue(tag, none, false, 0, undefined)).toBe(false);
  expect(lookupDue('ab12cd3', none, true, 0, undefined)).toBe(false);
  expect(lookupDue('not-hex!', none, true, 0, undefined)).toBe(false);
  expect(lookupDue(tag, { ...none, blocked: true }, true, 0, undefined)).toBe(false);
});

test('a snapshot pulls keep current is never asked for; a looked-up one again once due', () => {
  expect(lookupDue(tag, pulled, true, 10_000_000, undefined)).toBe(false);
  const asked = 5_000;
  const due = asked + LOOKUP_AGAIN_AFTER_MS.found;
  expect(lookupDue(tag, lookedUp, true, due - 1, due)).toBe(false);
  expect(lookupDue(tag, lookedUp, true, due, due)).toBe(true);
  // In flight: never twice at once.
  expect(lookupDue(tag, none, true, due, Number.POSITIVE_INFINITY)).toBe(false);
});

test("the server's 'no wallet' stands until another answer replaces it or it grows old; a failed look-up keeps it", () => {
  let now = 1_000;
  const answers = createNoWalletAnswers(() => now);
  answers.heard(tag, 'failed');
  expect(answers.has(tag)).toBe(false);
  answers.heard(tag, 'unknown');
  expect(answers.has(tag)).toBe(true);
  expect(answers.has('ab12cd34ff')).toBe(false);
  answers.heard(tag, 'failed');
  expect(answers.has(tag)).toBe(true);
  answers.heard(tag, 'found');
  expect(answers.has(tag)).toBe(false);
  answers.heard(tag, 'unknown');
  now += NO_WALLET_STANDS_MS - 1;
  expect(answers.has(tag)).toBe(true);
  now += 1;
  expect(answers.has(tag)).toBe(false);
});
