import 'fake-indexeddb/auto';
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  canonicalEnvelope,
  DEFAULT_POLICY,
  fromBase64Url,
  signingMessage,
} from '@niteos/ledger-core';
import type { OpResult } from '@niteos/schema/wire';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { QueuedOp, TillDb } from '../db/database.ts';
import { applyPushReply } from '../sync/apply.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { type Charge, charge } from './charge.ts';

// Node has no IndexedDB: these run on fake-indexeddb. The real browser path
// is covered by the Chromium end-to-end suite (apps/pos-pwa/e2e).
let db: TillDb;
const ctx = () => ({
  staffId: 'staff-1',
  now: new Date('2026-11-23T22:00:00Z'),
  newId: () => crypto.randomUUID(),
});
const sale = (
  nitetapId: string | null,
  unitNc: number,
  tender: 'nc' | 'cash' | 'card' = 'nc',
): Charge => ({
  kind: 'sale',
  tender,
  nitetapId,
  lines: [{ itemId: 'beer', qty: 1, unitNc, unitChf: unitNc }],
});

/** The server's answer to `op`, as a push reply would bring it. */
const answer = (op: QueuedOp, status: OpResult['status'], reason: OpResult['reason']) =>
  applyPushReply(
    db,
    [op],
    {
      results: [
        { id: op.id, status, duplicate: false, reason, balanceNc: null, xp: null, level: null },
      ],
      serverTime: '2026-11-23T22:00:01.000Z',
    },
    Date.now(),
  );

beforeEach(async () => {
  db = await openEnrolledTill('till-test');
});
afterEach(() => db.delete());

describe('charge on a fake IndexedDB', () => {
  test('signs ops with consecutive seq, each prev the hash of the previous signature, verifiable by node:crypto', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 5000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    const first = await charge(db, sale('AABBCCDD', 700), ctx());
    const second = await charge(db, sale('aabbccdd', 800), ctx());
    if (!first.ok || !second.ok) throw new Error('charges refused');
    expect([first.op.envelope.seq, second.op.envelope.seq]).toEqual([1, 2]);
    expect(first.op.envelope.prev).toBe('');
    const firstSig = fromBase64Url(first.op.sig) ?? new Uint8Array();
    expect(second.op.envelope.prev).toBe(createHash('sha256').update(firstSig).digest('base64url'));
    expect(first.op.envelope.nitetapId).toBe('aabbccdd');
    expect(second.op.envelope.basis).toEqual({
      balanceNc: 5000,
      asOf: '2026-11-23T21:00:00.000Z',
      pendingNc: 700,
    });

    const device = await db.device.get('device');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: device?.publicKey ?? '' },
      format: 'jwk',
    });
    const message = signingMessage(canonicalEnvelope(second.op.envelope));
    expect(verify(null, message, key, fromBase64Url(second.op.sig) ?? new Uint8Array())).toBe(true);
    expect(await db.queue.count()).toBe(2);
    expect(device?.seq).toBe(2);
  });

  test('refuses an NC sale beyond snapshot minus what is pending, and says why', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 1000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    expect((await charge(db, sale('aabbccdd', 600), ctx())).ok).toBe(true);
    const refused = await charge(db, sale('aabbccdd', 500), ctx());
    expect(refused).toMatchObject({ ok: false, reason: 'insufficient_balance' });
    expect(await db.queue.count()).toBe(1);
    expect((await db.device.get('device'))?.seq).toBe(1);
  });

  test('refuses beyond the offline cap even when the balance would allow it', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 50_000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    expect((await charge(db, sale('aabbccdd', DEFAULT_POLICY.offlineCapNc), ctx())).ok).toBe(true);
    expect(await charge(db, sale('aabbccdd', 1), ctx())).toMatchObject({
      ok: false,
      reason: 'offline_cap',
    });
  });

  test('an unknown wallet gets only the unknown-wallet cap; a blocked tag nothing', async () => {
    expect(
      await charge(db, sale('11223344', DEFAULT_POLICY.unknownWalletCapNc + 1), ctx()),
    ).toMatchObject({
      ok: false,
      reason: 'unknown_wallet_cap',
    });
    await db.blocked.put({ nitetapId: '55667788' });
    await db.wallets.put({
      nitetapId: '55667788',
      balanceNc: 9000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    expect(await charge(db, sale('55667788', 100), ctx())).toMatchObject({
      ok: false,
      reason: 'blocked_tag',
    });
    expect(
      await charge(
        db,
        { kind: 'topup', tender: 'cash', nitetapId: '55667788', amountNc: 100 },
        ctx(),
      ),
    ).toMatchObject({
      ok: false,
      reason: 'blocked_tag',
    });
  });

  test('a tag the server said has no wallet is refused NC, unless a snapshot or a top-up from here came since', async () => {
    const saidNone = { ...ctx(), serverHasNoWallet: (t: string) => t === '11223344' };
    const refused = await charge(db, sale('11223344', 100), saidNone);
    expect(refused).toMatchObject({ ok: false, reason: 'no_wallet' });
    if (refused.ok) throw new Error('unreachable');
    expect(refused.message).toMatch(/^No wallet with this tag: top it up first/);
    expect(
      await charge(db, { kind: 'cashout', nitetapId: '11223344', amountNc: 100 }, saidNone),
    ).toMatchObject({
      ok: false,
      reason: 'no_wallet_to_cash_out',
      message: 'No wallet with this tag: it holds nothing to cash out.',
    });
    expect((await charge(db, sale('11223344', 100, 'cash'), saidNone)).ok).toBe(true);
    // The tag it never asked about: the unknown-wallet cap, as before.
    expect((await charge(db, sale('99887766', 100), saidNone)).ok).toBe(true);

    // This till's top-up, still queued, makes the wallet before the sale reaches the server.
    const topup = {
      kind: 'topup',
      tender: 'cash',
      nitetapId: '11223344',
      amountNc: 1_000,
    } as const;
    expect((await charge(db, topup, saidNone)).ok).toBe(true);
    expect((await charge(db, sale('11223344', 100), saidNone)).ok).toBe(true);

    // A snapshot that came since (a pull, a push reply) decides, whatever was said before.
    await db.wallets.put({ nitetapId: '55667788', balanceNc: 900, asOf: '2026-11-23T21:00:00Z' });
    const aboutBoth = { ...ctx(), serverHasNoWallet: () => true };
    expect((await charge(db, sale('55667788', 100), aboutBoth)).ok).toBe(true);
  });

  test('an unknown wallet stays capped while online: sales the server held still count', async () => {
    const cap = DEFAULT_POLICY.unknownWalletCapNc;
    const first = await charge(db, sale('11223344', cap - 500), ctx());
    if (!first.ok) throw new Error('first sale refused');
    // Online, the op leaves the queue at once, and no snapshot comes back.
    await answer(first.op, 'held', 'unknown_wallet');
    expect(await db.queue.count()).toBe(0);
    expect(await db.wallets.get('11223344')).toBeUndefined();

    const again = await charge(db, sale('11223344', 1_000), ctx());
    expect(again).toMatchObject({ ok: false, reason: 'unknown_wallet_cap' });
    const rest = await charge(db, sale('11223344', 500), ctx());
    if (!rest.ok) throw new Error('the rest of the cap was refused');
    expect(rest.op.envelope.basis).toEqual({ balanceNc: null, asOf: null, pendingNc: cap - 500 });
  });

  test("a voided sale gives its NC back to an unknown wallet's cap", async () => {
    const cap = DEFAULT_POLICY.unknownWalletCapNc;
    const first = await charge(db, sale('11223345', cap), ctx());
    if (!first.ok) throw new Error('first sale refused');
    await answer(first.op, 'held', 'unknown_wallet');
    expect(await charge(db, sale('11223345', 100), ctx())).toMatchObject({ ok: false });
    const voided = await charge(db, { kind: 'void', sale: first.op.envelope }, ctx());
    expect(voided.ok).toBe(true);
    expect((await charge(db, sale('11223345', 100), ctx())).ok).toBe(true);
  });

  test('a guest whose snapshot was dropped is capped by what is still open, not by sales the server applied', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 50_000,
      asOf: '2026-11-23T21:00:00Z',
    });
    const old = await charge(db, sale('aabbccdd', DEFAULT_POLICY.unknownWalletCapNc), ctx());
    if (!old.ok) throw new Error('sale refused');
    await answer(old.op, 'applied', null);
    // Weeks later the server no longer sends the wallet and the till drops it.
    await db.wallets.delete('aabbccdd');
    const back = await charge(db, sale('aabbccdd', 1_000), ctx());
    expect(back).toMatchObject({ ok: true, op: { envelope: { basis: { pendingNc: 0 } } } });
  });

  test("an unknown wallet's rejected sales and its cash sales do not use up its cap", async () => {
    const cap = DEFAULT_POLICY.unknownWalletCapNc;
    const refused = await charge(db, sale('11223344', cap), ctx());
    if (!refused.ok) throw new Error('sale refused');
    await answer(refused.op, 'rejected', 'schema');
    expect((await charge(db, sale('11223344', 900, 'cash'), ctx())).ok).toBe(true);
    const next = await charge(db, sale('11223344', cap), ctx());
    expect(next).toMatchObject({ ok: true, op: { envelope: { basis: { pendingNc: 0 } } } });
  });

  test('with a snapshot, ops the server has answered leave pendingNc: its balance replaces them', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 50_000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    const first = await charge(db, sale('aabbccdd', DEFAULT_POLICY.offlineCapNc), ctx());
    if (!first.ok) throw new Error('sale refused');
    await answer(first.op, 'applied', null);
    const next = await charge(db, sale('aabbccdd', 100), ctx());
    expect(next).toMatchObject({ ok: true, op: { envelope: { basis: { pendingNc: 0 } } } });
  });

  test('offline, a sale voided while still queued no longer counts against the balance', async () => {
    await db.wallets.put({ nitetapId: 'aabbccdd', balanceNc: 5_000, asOf: '2026-11-23T21:00:00Z' });
    const mistake = await charge(db, sale('aabbccdd', 4_000), ctx());
    if (!mistake.ok) throw new Error('sale refused');
    expect((await charge(db, { kind: 'void', sale: mistake.op.envelope }, ctx())).ok).toBe(true);
    const right = await charge(db, sale('aabbccdd', 3_000), ctx());
    expect(right).toMatchObject({ ok: true, op: { envelope: { basis: { pendingNc: 0 } } } });
  });

  test('a revoked till counts the sales the server held from a snapshot it can no longer refresh', async () => {
    await db.wallets.put({ nitetapId: 'aabbccdd', balanceNc: 5_000, asOf: '2026-11-23T21:00:00Z' });
    const first = await charge(db, sale('aabbccdd', 4_000), ctx());
    if (!first.ok) throw new Error('sale refused');
    await answer(first.op, 'held', 'revoked_till');
    expect(await db.queue.count()).toBe(0);
    // The guest's 5,000 NC were not spent twice: 1,000 is what is left to take.
    expect(await charge(db, sale('aabbccdd', 4_000), ctx())).toMatchObject({
      ok: false,
      reason: 'insufficient_balance',
    });
    const rest = await charge(db, sale('aabbccdd', 1_000), ctx());
    expect(rest).toMatchObject({ ok: true, op: { envelope: { basis: { pendingNc: 4_000 } } } });
    // Voided here, a held sale gives its NC back.
    expect((await charge(db, { kind: 'void', sale: first.op.envelope }, ctx())).ok).toBe(true);
    expect((await charge(db, sale('aabbccdd', 3_000), ctx())).ok).toBe(true);
  });

  test('a payment over the offline cap is refused with the figures, and no talk of going online', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 50_000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    const over = await charge(db, sale('aabbccdd', 12_000), ctx());
    expect(over).toMatchObject({ ok: false, reason: 'offline_cap' });
    const message = over.ok ? '' : over.message;
    expect(message).toContain('at most 100.00 NC');
    expect(message).toContain('120.00 NC asked');
    expect(message).toContain('up to 100.00 NC in NC now, the rest in cash or card');
    expect(message).not.toMatch(/online/i);

    const cashout = await charge(
      db,
      { kind: 'cashout', nitetapId: 'aabbccdd', amountNc: 15_000 },
      ctx(),
    );
    expect(cashout).toMatchObject({ ok: false, reason: 'offline_cap' });
    expect(cashout.ok ? '' : cashout.message).toContain('Cash out up to 100.00 NC now');
  });

  test('a topup still queued here is not spendable yet: the basis must justify every debit', async () => {
    await db.wallets.put({ nitetapId: 'aabbccdd', balanceNc: 0, asOf: '2026-11-23T21:00:00.000Z' });
    expect(
      (
        await charge(
          db,
          { kind: 'topup', tender: 'card', nitetapId: 'aabbccdd', amountNc: 2000 },
          ctx(),
        )
      ).ok,
    ).toBe(true);
    expect(await charge(db, sale('aabbccdd', 1500), ctx())).toMatchObject({
      ok: false,
      reason: 'insufficient_balance',
    });
  });

  test('cash sales need no guest; NC sales do; bad tags and empty carts are refused', async () => {
    expect((await charge(db, sale(null, 900, 'cash'), ctx())).ok).toBe(true);
    expect(await charge(db, sale(null, 900), ctx())).toMatchObject({
      ok: false,
      reason: 'needs_guest',
    });
    expect(await charge(db, sale('xyz', 900), ctx())).toMatchObject({
      ok: false,
      reason: 'bad_tag',
    });
    // A top-up or cash-out with the guest field left empty asks for the guest.
    for (const request of [
      { kind: 'topup', tender: 'cash', nitetapId: null, amountNc: 500 },
      { kind: 'cashout', nitetapId: null, amountNc: 500 },
    ] as const) {
      expect(await charge(db, request, ctx())).toMatchObject({ ok: false, reason: 'needs_guest' });
    }
    expect(
      await charge(db, { kind: 'sale', tender: 'cash', nitetapId: null, lines: [] }, ctx()),
    ).toMatchObject({
      ok: false,
      reason: 'empty',
    });
  });

  test('a void repeats its sale and marks it voided in the history', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 5000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    const sold = await charge(db, sale('aabbccdd', 700), ctx());
    if (!sold.ok) throw new Error('sale refused');
    const voided = await charge(db, { kind: 'void', sale: sold.op.envelope }, ctx());
    if (!voided.ok) throw new Error('void refused');
    expect(voided.op.envelope).toMatchObject({
      op: 'void',
      voids: sold.op.envelope.id,
      amountNc: 700,
      tender: 'nc',
    });
    expect((await db.history.get(sold.op.id))?.voidedBy).toBe(voided.op.id);
  });

  test('a second void of the same sale is refused, even when both are asked at once', async () => {
    const sold = await charge(db, sale(null, 700, 'cash'), ctx());
    if (!sold.ok) throw new Error('sale refused');
    const both = await Promise.all([
      charge(db, { kind: 'void', sale: sold.op.envelope }, ctx()),
      charge(db, { kind: 'void', sale: sold.op.envelope }, ctx()),
    ]);
    const signed = both.filter((o) => o.ok);
    expect(signed).toHaveLength(1);
    expect(both.find((o) => !o.ok)).toMatchObject({ ok: false, reason: 'already_voided' });
    expect(await db.queue.count()).toBe(2);
    expect((await db.history.get(sold.op.id))?.voidedBy).toBe(signed[0]?.ok && signed[0].op.id);
  });

  test('concurrent charges never share a seq', async () => {
    await db.wallets.put({
      nitetapId: 'aabbccdd',
      balanceNc: 100_000,
      asOf: '2026-11-23T21:00:00.000Z',
    });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => charge(db, sale('aabbccdd', 100), ctx())),
    );
    const seqs = outcomes.map((o) => (o.ok ? o.op.envelope.seq : 0)).sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
