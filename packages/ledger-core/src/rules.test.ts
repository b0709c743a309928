import type { Envelope, Policy } from '@niteos/schema/wire';
import { describe, expect, test } from 'vitest';
import type { Posting } from './accounts.ts';
import { resolutionEffect } from './resolution.ts';
import {
  applyEffect,
  basisJustifies,
  decideReplay,
  type Effect,
  effectOf,
  isNcDebit,
  type ReplayDecision,
  type ReplayInput,
  redirectEffect,
  tillAcceptsPayment,
  type VoidTarget,
  type WalletState,
} from './rules.ts';
import {
  cashout,
  cashSale,
  NITETAP_ID,
  ncSale,
  topup,
  VENUE_ID,
  voidOf,
} from './test-support/envelopes.ts';

const POLICY: Policy = { offlineCapNc: 10_000, unknownWalletCapNc: 3_000, overdraftLimitNc: 0 };
const WALLET = { kind: 'wallet', nitetapId: NITETAP_ID } as const;
const REVENUE = { kind: 'venue_revenue', venueId: VENUE_ID } as const;
const ISSUANCE = { kind: 'issuance', venueId: VENUE_ID } as const;
const WRITE_OFF = { kind: 'write_off', venueId: VENUE_ID } as const;

function wallet(balanceNc: number, state: Partial<WalletState> = {}): WalletState {
  return { balanceNc, xp: 0, blocked: false, ...state };
}

function replay(input: Partial<ReplayInput> & { envelope: Envelope }): ReplayDecision {
  return decideReplay({
    policy: POLICY,
    tillRevoked: false,
    chain: 'ok',
    wallet: wallet(10_000),
    voidTarget: null,
    ...input,
  });
}

/** The sale as the server stored it, for a void to name. */
function targetOf(sale: Envelope, state: Partial<VoidTarget> = {}): VoidTarget {
  return {
    id: sale.id,
    kind: sale.op,
    venueId: sale.venueId,
    nitetapId: sale.nitetapId,
    tender: sale.tender,
    amountNc: sale.amountNc,
    amountChf: sale.amountChf,
    status: 'applied',
    voided: false,
    xpGranted: 9,
    ...state,
  };
}

const sum = (postings: readonly Posting[]) => postings.reduce((t, p) => t + p.amountNc, 0);

function appliedEffect(decision: ReplayDecision): Effect {
  if (decision.status !== 'applied')
    throw new Error(`expected applied, got ${JSON.stringify(decision)}`);
  return decision.effect;
}

describe('tillAcceptsPayment', () => {
  type Row = [
    string,
    Partial<Parameters<typeof tillAcceptsPayment>[0]>,
    ReturnType<typeof tillAcceptsPayment>,
  ];
  const rows: Row[] = [
    [
      'accepts a payment the snapshot covers',
      { snapshotBalanceNc: 5_000, amountNc: 900 },
      { ok: true },
    ],
    [
      'accepts a payment that empties the wallet exactly',
      { snapshotBalanceNc: 5_000, pendingNc: 2_000, amountNc: 3_000 },
      { ok: true },
    ],
    [
      'refuses a payment one unit beyond the snapshot minus pending',
      { snapshotBalanceNc: 5_000, pendingNc: 2_000, amountNc: 3_001 },
      { ok: false, reason: 'insufficient_balance' },
    ],
    [
      'refuses any payment from a wallet in debt',
      { snapshotBalanceNc: -100, amountNc: 1 },
      { ok: false, reason: 'insufficient_balance' },
    ],
    [
      'accepts exposure exactly at the offline cap',
      { snapshotBalanceNc: 50_000, pendingNc: 4_000, amountNc: 6_000 },
      { ok: true },
    ],
    [
      'refuses exposure one unit above the offline cap',
      { snapshotBalanceNc: 50_000, pendingNc: 4_000, amountNc: 6_001 },
      { ok: false, reason: 'offline_cap' },
    ],
    [
      'reports the balance before the cap when both fail',
      { snapshotBalanceNc: 100, amountNc: 20_000 },
      { ok: false, reason: 'insufficient_balance' },
    ],
    [
      'accepts an unknown wallet exactly at the unknown-wallet cap',
      { snapshotBalanceNc: null, pendingNc: 1_000, amountNc: 2_000 },
      { ok: true },
    ],
    [
      'refuses an unknown wallet one unit above the unknown-wallet cap',
      { snapshotBalanceNc: null, pendingNc: 1_000, amountNc: 2_001 },
      { ok: false, reason: 'unknown_wallet_cap' },
    ],
    [
      'judges an unknown wallet by its own cap, not the offline cap',
      {
        snapshotBalanceNc: null,
        amountNc: 2_000,
        policy: { ...POLICY, offlineCapNc: 1_000, unknownWalletCapNc: 3_000 },
      },
      { ok: true },
    ],
    [
      'refuses every unknown wallet when its cap is 0',
      { snapshotBalanceNc: null, amountNc: 1, policy: { ...POLICY, unknownWalletCapNc: 0 } },
      { ok: false, reason: 'unknown_wallet_cap' },
    ],
    [
      'refuses a blocked tag that could pay',
      { blocked: true, snapshotBalanceNc: 50_000, amountNc: 100 },
      { ok: false, reason: 'blocked_tag' },
    ],
    [
      'refuses a blocked tag without snapshot',
      { blocked: true, snapshotBalanceNc: null, amountNc: 100 },
      { ok: false, reason: 'blocked_tag' },
    ],
  ];

  test.each(rows)('%s', (_name, input, expected) => {
    expect(
      tillAcceptsPayment({
        blocked: false,
        snapshotBalanceNc: 0,
        pendingNc: 0,
        amountNc: 0,
        policy: POLICY,
        ...input,
      }),
    ).toEqual(expected);
  });
});

describe('decideReplay: checks run in the contract order', () => {
  const overdrawn = ncSale({ amountNc: 900 });
  const broke = wallet(0);

  test.each([
    ['revoked till before chain fork', { tillRevoked: true, chain: 'fork' }, 'revoked_till'],
    ['revoked till before chain break', { tillRevoked: true, chain: 'break' }, 'revoked_till'],
    ['revoked till before funds', { tillRevoked: true }, 'revoked_till'],
    ['chain fork before funds', { chain: 'fork' }, 'chain_fork'],
    ['chain break before funds', { chain: 'break' }, 'chain_break'],
    ['funds last', {}, 'insufficient_funds'],
  ] as const)('%s', (_name, input, reason) => {
    expect(replay({ envelope: overdrawn, wallet: broke, ...input })).toEqual({
      status: 'held',
      reason,
    });
  });

  test('holds a revoked till’s op before looking at its wallet', () => {
    const blocked = wallet(10_000, { blocked: true });
    expect(replay({ envelope: ncSale(), wallet: blocked, tillRevoked: true })).toEqual({
      status: 'held',
      reason: 'revoked_till',
    });
  });

  test('holds a revoked till’s topup and cash sale too', () => {
    expect(replay({ envelope: topup(), tillRevoked: true })).toMatchObject({
      reason: 'revoked_till',
    });
    expect(replay({ envelope: cashSale(), tillRevoked: true })).toMatchObject({
      reason: 'revoked_till',
    });
  });

  test('holds a void on a broken chain before judging its target', () => {
    const sale = ncSale();
    const mismatched = voidOf(sale, { amountNc: 1 });
    expect(replay({ envelope: mismatched, chain: 'break', voidTarget: targetOf(sale) })).toEqual({
      status: 'held',
      reason: 'chain_break',
    });
    expect(replay({ envelope: voidOf(sale), tillRevoked: true })).toEqual({
      status: 'held',
      reason: 'revoked_till',
    });
  });
});

describe('decideReplay: wallets and funds', () => {
  test.each([
    ['an NC sale', ncSale()],
    ['a cashout', cashout()],
    ['a topup', topup()],
  ])('holds %s on a blocked wallet', (_name, envelope) => {
    expect(replay({ envelope, wallet: wallet(10_000, { blocked: true }) })).toEqual({
      status: 'held',
      reason: 'blocked_tag',
    });
  });

  test('applies a card sale naming a blocked wallet: no NC moves', () => {
    const sale = cashSale({ tender: 'card', nitetapId: NITETAP_ID });
    const effect = appliedEffect(replay({ envelope: sale, wallet: wallet(0, { blocked: true }) }));
    expect(effect.postings).toEqual([]);
  });

  test.each([
    ['an NC sale', ncSale()],
    ['a cashout', cashout()],
  ])('holds %s from an unknown wallet', (_name, envelope) => {
    expect(replay({ envelope, wallet: null })).toEqual({
      status: 'held',
      reason: 'unknown_wallet',
    });
  });

  test.each([
    ['an NC sale', ncSale(), 0, 900],
    ['an NC sale with 5 NC overdraft', ncSale(), 500, 400],
    ['a cashout', cashout(), 0, 2_000],
    ['a cashout with 5 NC overdraft', cashout(), 500, 1_500],
  ])(
    'applies %s landing exactly on the overdraft limit',
    (_name, envelope, overdraftLimitNc, balanceNc) => {
      const decision = replay({
        envelope,
        wallet: wallet(balanceNc),
        policy: { ...POLICY, overdraftLimitNc },
      });
      expect(applyEffect(wallet(balanceNc), appliedEffect(decision))?.balanceNc).toBe(
        0 - overdraftLimitNc,
      );
    },
  );

  test.each([
    ['an NC sale', ncSale(), 0, 899],
    ['an NC sale with 5 NC overdraft', ncSale(), 500, 399],
    ['a cashout', cashout(), 0, 1_999],
    ['a cashout with 5 NC overdraft', cashout(), 500, 1_499],
  ])(
    'holds %s one unit beyond the overdraft limit',
    (_name, envelope, overdraftLimitNc, balanceNc) => {
      expect(
        replay({ envelope, wallet: wallet(balanceNc), policy: { ...POLICY, overdraftLimitNc } }),
      ).toEqual({ status: 'held', reason: 'insufficient_funds' });
    },
  );

  test('ignores the till’s basis: the server judges by its own balance', () => {
    const sale = ncSale({ basis: { balanceNc: 0, asOf: null, pendingNc: 99_999 } });
    expect(replay({ envelope: sale, wallet: wallet(900) }).status).toBe('applied');
  });
});

describe('decideReplay: effects of applied ops', () => {
  test('an NC sale debits the wallet, credits venue revenue and grants XP', () => {
    const effect = appliedEffect(replay({ envelope: ncSale() }));
    expect(effect).toEqual({
      postings: [
        { account: WALLET, amountNc: -900 },
        { account: REVENUE, amountNc: 900 },
      ],
      walletDeltaNc: -900,
      xpDelta: 9,
      createsWallet: false,
      voidsOp: null,
    });
  });

  test('a topup creates an unknown wallet and credits it against issuance', () => {
    const effect = appliedEffect(replay({ envelope: topup(), wallet: null }));
    expect(effect).toEqual({
      postings: [
        { account: WALLET, amountNc: 5_000 },
        { account: ISSUANCE, amountNc: -5_000 },
      ],
      walletDeltaNc: 5_000,
      xpDelta: 0,
      createsWallet: true,
      voidsOp: null,
    });
    expect(applyEffect(null, effect)).toEqual({ balanceNc: 5_000, xp: 0, blocked: false });
  });

  test('a topup of a known wallet does not create it again', () => {
    expect(appliedEffect(replay({ envelope: topup(), wallet: wallet(100) })).createsWallet).toBe(
      false,
    );
  });

  test('a cashout debits the wallet back into issuance', () => {
    const effect = appliedEffect(replay({ envelope: cashout() }));
    expect(effect.postings).toEqual([
      { account: WALLET, amountNc: -2_000 },
      { account: ISSUANCE, amountNc: 2_000 },
    ]);
    expect(effect.xpDelta).toBe(0);
  });

  test.each([
    ['a cash sale to an unknown guest', cashSale(), null],
    [
      'a card sale to a known wallet',
      cashSale({ tender: 'card', nitetapId: NITETAP_ID }),
      wallet(0),
    ],
  ])('%s applies with no postings and no XP', (_name, envelope, state) => {
    const effect = appliedEffect(replay({ envelope, wallet: state }));
    expect(effect).toEqual({
      postings: [],
      walletDeltaNc: 0,
      xpDelta: 0,
      createsWallet: false,
      voidsOp: null,
    });
    expect(applyEffect(state, effect)).toEqual(state);
  });

  test.each([
    ['an NC sale', () => ncSale()],
    ['a topup', () => topup()],
    ['a cashout', () => cashout()],
  ])('postings of %s sum to 0', (_name, make) => {
    expect(sum(appliedEffect(replay({ envelope: make() })).postings)).toBe(0);
  });
});

describe('decideReplay: voids', () => {
  const sale = ncSale();

  test('a void of an applied NC sale reverses its postings and XP', () => {
    const before = wallet(4_100, { xp: 20 });
    const effect = appliedEffect(
      replay({
        envelope: voidOf(sale),
        wallet: before,
        voidTarget: targetOf(sale, { xpGranted: 9 }),
      }),
    );
    expect(effect).toEqual({
      postings: [
        { account: REVENUE, amountNc: -900 },
        { account: WALLET, amountNc: 900 },
      ],
      walletDeltaNc: 900,
      xpDelta: -9,
      createsWallet: false,
      voidsOp: sale.id,
    });
    expect(applyEffect(before, effect)).toEqual({ balanceNc: 5_000, xp: 11, blocked: false });
  });

  test('a void of a held sale moves nothing but marks the sale voided', () => {
    const effect = appliedEffect(
      replay({
        envelope: voidOf(sale),
        voidTarget: targetOf(sale, { status: 'held', xpGranted: 0 }),
      }),
    );
    expect(effect).toEqual({
      postings: [],
      walletDeltaNc: 0,
      xpDelta: 0,
      createsWallet: false,
      voidsOp: sale.id,
    });
  });

  test('a void of a written-off sale returns the NC to the write-off account, not the wallet', () => {
    const before = wallet(0);
    const { xpDelta, ...effect } = appliedEffect(
      replay({
        envelope: voidOf(sale),
        wallet: before,
        voidTarget: targetOf(sale, { status: 'written_off', xpGranted: 0 }),
      }),
    );
    expect(effect).toEqual({
      postings: [
        { account: REVENUE, amountNc: -900 },
        { account: WRITE_OFF, amountNc: 900 },
      ],
      walletDeltaNc: 0,
      createsWallet: false,
      voidsOp: sale.id,
    });
    // A written-off sale granted no XP, so its void takes none back (the sign of 0 is moot).
    expect(Math.abs(xpDelta)).toBe(0);
  });

  test('a void of an applied cash sale moves no NC but marks the sale voided', () => {
    const cash = cashSale();
    const effect = appliedEffect(
      replay({
        envelope: voidOf(cash),
        wallet: null,
        voidTarget: targetOf(cash, { xpGranted: 0 }),
      }),
    );
    expect(effect.postings).toEqual([]);
    expect(effect.voidsOp).toBe(cash.id);
  });

  test('redirected to a replacement wristband, a void refunds the new tag and keeps the sum at 0', () => {
    const effect = appliedEffect(
      replay({
        envelope: voidOf(sale),
        wallet: wallet(0, { blocked: true }),
        voidTarget: targetOf(sale),
      }),
    );
    const moved = redirectEffect(effect, NITETAP_ID, 'facade0042');
    expect(moved.postings).toContainEqual({
      account: { kind: 'wallet', nitetapId: 'facade0042' },
      amountNc: sale.amountNc,
    });
    expect(
      moved.postings.some((p) => p.account.kind === 'wallet' && p.account.nitetapId === NITETAP_ID),
    ).toBe(false);
    expect(moved.postings.reduce((sum, p) => sum + p.amountNc, 0)).toBe(0);
    expect(moved.walletDeltaNc).toBe(effect.walletDeltaNc);
    expect(moved.xpDelta).toBe(effect.xpDelta);
    // Venue accounts stay where they were.
    expect(moved.postings.filter((p) => p.account.kind !== 'wallet')).toEqual(
      effect.postings.filter((p) => p.account.kind !== 'wallet'),
    );
  });

  test('a void passes even when the wallet is blocked: it returns NC', () => {
    const decision = replay({
      envelope: voidOf(sale),
      wallet: wallet(0, { blocked: true }),
      voidTarget: targetOf(sale),
    });
    expect(decision.status).toBe('applied');
  });

  test.each([
    ['amountNc', voidOf(sale, { amountNc: 901 }), targetOf(sale)],
    ['amountChf', voidOf(cashSale(), { amountChf: 999 }), targetOf(cashSale())],
    ['tender', voidOf(sale, { tender: 'card', amountNc: 0, amountChf: 0 }), targetOf(sale)],
    ['wallet', voidOf(sale, { nitetapId: 'deadbeef' }), targetOf(sale)],
    ['venue', voidOf(sale, { venueId: 'venue-2' }), targetOf(sale)],
    ['kind (a topup)', voidOf(topup(), { lines: [] }), targetOf(topup())],
    ['kind (a void)', voidOf(voidOf(sale)), targetOf(voidOf(sale))],
  ])('rejects a void whose %s differs from its sale', (_field, envelope, target) => {
    expect(replay({ envelope, voidTarget: target })).toEqual({
      status: 'rejected',
      reason: 'void_mismatch',
    });
  });

  test('rejects a void of a sale already voided', () => {
    expect(
      replay({ envelope: voidOf(sale), voidTarget: targetOf(sale, { voided: true }) }),
    ).toEqual({
      status: 'rejected',
      reason: 'already_voided',
    });
  });

  test('holds a void whose sale the server has not seen', () => {
    expect(replay({ envelope: voidOf(sale), voidTarget: null })).toEqual({
      status: 'held',
      reason: 'void_target_missing',
    });
  });

  test('effectOf throws for a void without its checked target (a broken invariant)', () => {
    expect(() => effectOf(voidOf(sale), true, null)).toThrow(/needs its checked target/);
  });
});

describe('isNcDebit', () => {
  test.each([
    ['an NC sale', ncSale(), true],
    ['a cashout', cashout(), true],
    ['a cash sale', cashSale(), false],
    ['a card sale', cashSale({ tender: 'card' }), false],
    ['a topup', topup(), false],
    ['a void of an NC sale', voidOf(ncSale()), false],
  ])('%s → %s', (_name, envelope, expected) => {
    expect(isNcDebit(envelope)).toBe(expected);
  });
});

describe('basisJustifies', () => {
  const basis = (balanceNc: number | null, pendingNc: number) => ({
    balanceNc,
    asOf: null,
    pendingNc,
  });

  test.each([
    ['an NC sale its snapshot covers', ncSale({ basis: basis(900, 0) }), true],
    ['an NC sale beyond snapshot minus pending', ncSale({ basis: basis(900, 1) }), false],
    ['an NC sale beyond the offline cap', ncSale({ basis: basis(50_000, 9_101) }), false],
    ['an NC sale exactly at the offline cap', ncSale({ basis: basis(50_000, 9_100) }), true],
    ['an NC sale to an unknown wallet within its cap', ncSale({ basis: basis(null, 2_100) }), true],
    [
      'an NC sale to an unknown wallet beyond its cap',
      ncSale({ basis: basis(null, 2_101) }),
      false,
    ],
    ['a cashout beyond its snapshot', cashout({ basis: basis(1_999, 0) }), false],
    ['a cashout its snapshot covers', cashout({ basis: basis(2_000, 0) }), true],
    ['a topup, whatever its basis', topup({ basis: basis(-1_000_000, 1_000_000) }), true],
    ['a cash sale, whatever its basis', cashSale({ basis: basis(-1, 1_000_000) }), true],
    ['a void, whatever its basis', voidOf(ncSale({ basis: basis(0, 1_000_000) })), true],
  ])('%s → %s', (_name, envelope, expected) => {
    expect(basisJustifies(envelope, POLICY)).toBe(expected);
  });
});

describe('applyEffect', () => {
  const credit: Effect = {
    postings: [],
    walletDeltaNc: 500,
    xpDelta: 3,
    createsWallet: false,
    voidsOp: null,
  };

  test('leaves an unknown wallet unknown unless the effect creates it', () => {
    expect(applyEffect(null, credit)).toBeNull();
  });

  test('creates a wallet from zero', () => {
    expect(applyEffect(null, { ...credit, createsWallet: true })).toEqual({
      balanceNc: 500,
      xp: 3,
      blocked: false,
    });
  });

  test('never takes XP below 0', () => {
    expect(applyEffect(wallet(0, { xp: 5 }), { ...credit, xpDelta: -9 })?.xp).toBe(0);
  });

  test('keeps a wallet blocked', () => {
    expect(applyEffect(wallet(0, { blocked: true }), credit)?.blocked).toBe(true);
  });

  test('returns a new wallet and leaves the old one as it was', () => {
    const before = wallet(100, { xp: 1 });
    const after = applyEffect(before, credit);
    expect(before).toEqual(wallet(100, { xp: 1 }));
    expect(after).toEqual({ balanceNc: 600, xp: 4, blocked: false });
  });
});

describe('resolutionEffect', () => {
  const sale = ncSale();

  test('accept applies a held sale as the till meant it, debt allowed', () => {
    const result = resolutionEffect({
      resolution: 'accept',
      envelope: sale,
      walletExists: true,
      voidTarget: null,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.effect.postings).toEqual([
      { account: WALLET, amountNc: -900 },
      { account: REVENUE, amountNc: 900 },
    ]);
    expect(applyEffect(wallet(100), result.effect)?.balanceNc).toBe(-800);
    expect(result.effect.xpDelta).toBe(9);
  });

  test('accept of a sale from an unknown wallet creates it in debt', () => {
    const result = resolutionEffect({
      resolution: 'accept',
      envelope: sale,
      walletExists: false,
      voidTarget: null,
    });
    expect(result.ok && applyEffect(null, result.effect)).toEqual({
      balanceNc: -900,
      xp: 9,
      blocked: false,
    });
  });

  test('accept of a held void whose sale has arrived reverses that sale', () => {
    const result = resolutionEffect({
      resolution: 'accept',
      envelope: voidOf(sale),
      walletExists: true,
      voidTarget: targetOf(sale),
    });
    expect(result.ok && result.effect.voidsOp).toBe(sale.id);
    expect(result.ok && result.effect.walletDeltaNc).toBe(900);
  });

  test.each([
    ['its sale is still missing', voidOf(sale), null, 'void_target_missing'],
    ['it does not repeat its sale', voidOf(sale, { amountNc: 1 }), targetOf(sale), 'void_mismatch'],
    [
      'its sale is already voided',
      voidOf(sale),
      targetOf(sale, { voided: true }),
      'already_voided',
    ],
  ] as const)('accept refuses a void when %s', (_name, envelope, voidTarget, reason) => {
    expect(
      resolutionEffect({ resolution: 'accept', envelope, walletExists: true, voidTarget }),
    ).toEqual({
      ok: false,
      reason,
    });
  });

  test('write_off of an NC sale debits the venue write-off account, not the wallet', () => {
    const result = resolutionEffect({
      resolution: 'write_off',
      envelope: sale,
      walletExists: true,
      voidTarget: null,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.effect).toEqual({
      postings: [
        { account: WRITE_OFF, amountNc: -900 },
        { account: REVENUE, amountNc: 900 },
      ],
      walletDeltaNc: 0,
      xpDelta: 0,
      createsWallet: false,
      voidsOp: null,
    });
    expect(result.effect.postings.some((p) => p.account.kind === 'wallet')).toBe(false);
  });

  test('write_off of a cashout puts the loss against issuance', () => {
    const result = resolutionEffect({
      resolution: 'write_off',
      envelope: cashout(),
      walletExists: false,
      voidTarget: null,
    });
    expect(result.ok && result.effect.postings).toEqual([
      { account: WRITE_OFF, amountNc: -2_000 },
      { account: ISSUANCE, amountNc: 2_000 },
    ]);
    expect(result.ok && result.effect.createsWallet).toBe(false);
  });

  test.each([
    ['a topup', topup()],
    ['a cash sale', cashSale()],
    ['a card sale', cashSale({ tender: 'card', nitetapId: NITETAP_ID })],
    ['a void', voidOf(sale)],
  ])('write_off refuses %s: only NC debits can be written off', (_name, envelope) => {
    expect(
      resolutionEffect({ resolution: 'write_off', envelope, walletExists: true, voidTarget: null }),
    ).toEqual({ ok: false, reason: 'write_off_needs_nc_debit' });
  });

  test.each([
    ['an NC sale', sale],
    ['a topup', topup()],
    ['a cashout', cashout()],
    ['a void', voidOf(sale)],
  ])('reject of %s moves nothing', (_name, envelope) => {
    expect(
      resolutionEffect({ resolution: 'reject', envelope, walletExists: true, voidTarget: null }),
    ).toEqual({
      ok: true,
      effect: { postings: [], walletDeltaNc: 0, xpDelta: 0, createsWallet: false, voidsOp: null },
    });
  });
});
