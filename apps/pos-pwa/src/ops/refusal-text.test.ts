import { DEFAULT_POLICY } from '@niteos/ledger-core';
import { describe, expect, test } from 'vitest';
import { capRefusalText } from './refusal-text.ts';

const policy = DEFAULT_POLICY; // 100 NC offline cap, 30 NC for unknown wallets

describe('what a limit refusal tells staff', () => {
  test('the offline cap: the limit, what is asked and pending, and how much NC may still be taken', () => {
    expect(
      capRefusalText('offline_cap', { kind: 'sale', policy, pendingNc: 9_000, amountNc: 1_600 }),
    ).toBe(
      'Limit: this till takes at most 100.00 NC from one wallet until its sales have synced ' +
        '(16.00 NC asked, 90.00 NC not yet synced). Split the order: up to 10.00 NC in NC now, ' +
        'the rest in cash or card (or in NC once the till has synced).',
    );
  });

  test('one order over the offline cap with nothing waiting to sync: too large for one go, and no talk of syncing', () => {
    const sale = capRefusalText('offline_cap', {
      kind: 'sale',
      policy,
      pendingNc: 0,
      amountNc: 11_900,
    });
    expect(sale).toBe(
      'Limit: this till takes at most 100.00 NC from one wallet in one go (119.00 NC asked). ' +
        'Split the order: up to 100.00 NC in NC now, the rest in cash or card.',
    );
    expect(sale).not.toMatch(/sync/);
  });

  test('nothing left of the cap: cash or card, or wait for the sync', () => {
    expect(
      capRefusalText('offline_cap', { kind: 'sale', policy, pendingNc: 10_000, amountNc: 700 }),
    ).toMatch(/\. Take cash or card \(or NC once the till has synced\)\.$/);
    expect(
      capRefusalText('offline_cap', { kind: 'cashout', policy, pendingNc: 10_000, amountNc: 700 }),
    ).toMatch(/\. Cash out once the till has synced\.$/);
  });

  test('an unknown wallet: its own cap, and a synced topup makes it known', () => {
    expect(
      capRefusalText('unknown_wallet_cap', {
        kind: 'sale',
        policy,
        pendingNc: 2_000,
        amountNc: 1_600,
      }),
    ).toBe(
      'Wallet not known to this till yet: it takes at most 30.00 NC from it ' +
        '(16.00 NC asked, 20.00 NC already taken). Split the order: up to 10.00 NC in NC now, ' +
        'the rest in cash or card (or in NC after a topup of this wallet has synced).',
    );
  });
});
