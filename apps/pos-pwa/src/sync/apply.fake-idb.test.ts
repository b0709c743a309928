import 'fake-indexeddb/auto';
import type { OpResult, PushResponse, TillChainState } from '@niteos/schema/wire';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getMeta, type QueuedOp, RESENT, REVOKED, setMeta, type TillDb } from '../db/database.ts';
import { type Charge, charge } from '../ops/charge.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { pullReply } from '../test-support/pull-reply.ts';
import { applyPull, applyPushReply } from './apply.ts';

// Replies are written by hand here, to produce on cue what a real server
// does only after a lost reply (duplicates) or an admin's action (revocation).
let db: TillDb;
const TAG = 'aabbccdd';
const SIGNED_AGAINST = '2026-11-23T21:00:00.000Z';

async function queue(request: Charge): Promise<QueuedOp> {
  const out = await charge(db, request, {
    staffId: 's',
    now: new Date('2026-11-23T22:00:00Z'),
    newId: () => crypto.randomUUID(),
  });
  if (!out.ok) throw new Error(`charge refused: ${out.reason}`);
  return out.op;
}
const sellNc = (amountNc: number) =>
  queue({
    kind: 'sale',
    tender: 'nc',
    nitetapId: TAG,
    lines: [{ itemId: 'beer', qty: 1, unitNc: amountNc, unitChf: amountNc }],
  });

const result = (op: QueuedOp, fields: Partial<OpResult>): OpResult => ({
  id: op.id,
  status: 'applied',
  duplicate: false,
  reason: null,
  balanceNc: null,
  xp: null,
  level: null,
  ...fields,
});
const reply = (serverTime: string, ...results: OpResult[]): PushResponse => ({
  results,
  serverTime,
});

beforeEach(async () => {
  db = await openEnrolledTill('apply-test');
  await db.wallets.put({ nitetapId: TAG, balanceNc: 10_000, asOf: SIGNED_AGAINST });
});
afterEach(() => db.delete());

describe('applying pulls on a fake IndexedDB', () => {
  test("a snapshot the server has stopped sending is dropped once a pull's last page is in", async () => {
    // The server sends each wallet it follows again every day: two days
    // without one means its guest left the venue's window.
    const serverTime = '2026-11-25T20:00:00.000Z';
    // Sent on 23 November (beforeEach); a guest last sent on 20 November.
    await db.wallets.put({ nitetapId: 'oldguest', balanceNc: 8_000, asOf: '2026-11-20T23:00:00Z' });
    const fresh = { nitetapId: 'newguest', balanceNc: 500, xp: 0, level: 1, asOf: serverTime };
    await applyPull(db, pullReply({ serverTime, more: true, wallets: [fresh] }), 1000, 1100);
    expect((await db.wallets.toArray()).map((w) => w.nitetapId).sort()).toEqual([
      TAG,
      'newguest',
      'oldguest',
    ]);
    await applyPull(db, pullReply({ serverTime, more: false }), 1200, 1300);
    expect((await db.wallets.toArray()).map((w) => w.nitetapId).sort()).toEqual([TAG, 'newguest']);
    // Swept at most hourly: ten minutes on, a snapshot as stale stays for now.
    await db.wallets.put({ nitetapId: 'oldguest2', balanceNc: 100, asOf: '2026-11-20T23:00:00Z' });
    await applyPull(db, pullReply({ serverTime: '2026-11-25T20:10:00.000Z' }), 1400, 1500);
    expect(await db.wallets.count()).toBe(3);
    // Two days after it was last sent, the 23 November one goes too.
    await applyPull(db, pullReply({ serverTime: '2026-11-25T21:00:01.000Z' }), 1600, 1700);
    expect((await db.wallets.toArray()).map((w) => w.nitetapId)).toEqual(['newguest']);
  });
});

describe('applying push replies on a fake IndexedDB', () => {
  test("a duplicate's balance never replaces a snapshot taken after its op was signed", async () => {
    const sale = await sellNc(700);
    // A pull after the sale went through the first time (its reply was lost).
    await db.wallets.put({ nitetapId: TAG, balanceNc: 4_000, asOf: '2026-11-23T23:00:00.000Z' });
    await applyPushReply(
      db,
      [sale],
      reply('2026-11-23T23:30:00.000Z', result(sale, { duplicate: true, balanceNc: 9_300 })),
      0,
    );
    expect(await db.wallets.get(TAG)).toMatchObject({
      balanceNc: 4_000,
      asOf: '2026-11-23T23:00:00.000Z',
    });
  });

  test('a duplicate updates the snapshot its op was signed against, dated no later than that', async () => {
    const sale = await sellNc(700);
    await applyPushReply(
      db,
      [sale],
      reply('2026-11-23T23:30:00.000Z', result(sale, { duplicate: true, balanceNc: 9_300 })),
      0,
    );
    // Any pull since the basis, however soon after, is at least as fresh and must still win.
    expect(await db.wallets.get(TAG)).toEqual({
      nitetapId: TAG,
      balanceNc: 9_300,
      asOf: SIGNED_AGAINST,
    });
  });

  test('a fresh result is dated by the reply and wins over a duplicate in the same reply', async () => {
    const first = await sellNc(700);
    const second = await sellNc(300);
    await applyPushReply(
      db,
      [first, second],
      reply(
        '2026-11-23T23:30:00.000Z',
        result(first, { duplicate: true, balanceNc: 9_300 }),
        result(second, { balanceNc: 9_000 }),
      ),
      0,
    );
    expect(await db.wallets.get(TAG)).toMatchObject({
      balanceNc: 9_000,
      asOf: '2026-11-23T23:30:00.000Z',
    });
  });

  test('an already_voided refusal leaves the sale voided; any other refusal of the void un-voids it', async () => {
    const sold = await sellNc(700);
    const voided = await queue({ kind: 'void', sale: sold.envelope });
    await applyPushReply(
      db,
      [sold, voided],
      reply(
        '2026-11-23T23:30:00.000Z',
        result(sold, {}),
        result(voided, { status: 'rejected', reason: 'already_voided' }),
      ),
      0,
    );
    expect(await db.history.get(sold.id)).toMatchObject({
      status: 'applied',
      voidedBy: voided.id,
    });

    const other = await sellNc(100);
    const mismatched = await queue({ kind: 'void', sale: other.envelope });
    await applyPushReply(
      db,
      [other, mismatched],
      reply(
        '2026-11-23T23:40:00.000Z',
        result(other, {}),
        result(mismatched, { status: 'rejected', reason: 'void_mismatch' }),
      ),
      0,
    );
    expect(await db.history.get(other.id)).toMatchObject({ status: 'applied', voidedBy: null });
  });

  test('a sale held blocked_tag blocks the tag on this till at once: the next sale is refused', async () => {
    const held = await sellNc(100);
    await applyPushReply(
      db,
      [held],
      reply('2026-11-23T23:00:00.000Z', result(held, { status: 'held', reason: 'blocked_tag' })),
      0,
    );
    expect(await db.blocked.get(TAG)).toEqual({ nitetapId: TAG });
    const next = await charge(
      db,
      {
        kind: 'sale',
        tender: 'nc',
        nitetapId: TAG,
        lines: [{ itemId: 'beer', qty: 1, unitNc: 100, unitChf: 100 }],
      },
      { staffId: 's', now: new Date('2026-11-23T23:01:00Z'), newId: () => crypto.randomUUID() },
    );
    expect(next).toMatchObject({ ok: false, reason: 'blocked_tag' });
    // The next pull's list decides again: an unblock there is taken.
    await applyPull(db, pullReply({ blockedTags: [] }), 2000, 2100);
    expect(await db.blocked.get(TAG)).toBeUndefined();
  });

  test('a duplicate held blocked_tag, an old verdict, blocks nothing', async () => {
    const held = await sellNc(100);
    await applyPushReply(
      db,
      [held],
      reply(
        '2026-11-23T23:00:00.000Z',
        result(held, { status: 'held', reason: 'blocked_tag', duplicate: true }),
      ),
      0,
    );
    expect(await db.blocked.count()).toBe(0);
  });

  test('revoked_till marks the till revoked until a fresh result shows it is not; a duplicate changes nothing', async () => {
    const first = await sellNc(100);
    await applyPushReply(
      db,
      [first],
      reply('2026-11-23T23:00:00.000Z', result(first, { status: 'held', reason: 'revoked_till' })),
      0,
    );
    expect(await getMeta(db, REVOKED)).toBe(true);

    const second = await sellNc(100);
    await applyPushReply(
      db,
      [second],
      reply(
        '2026-11-23T23:10:00.000Z',
        result(second, { status: 'held', reason: 'insufficient_funds' }),
      ),
      0,
    );
    expect(await getMeta(db, REVOKED)).toBe(false);

    const third = await sellNc(100);
    await applyPushReply(
      db,
      [third],
      reply(
        '2026-11-23T23:20:00.000Z',
        result(third, { status: 'held', reason: 'revoked_till', duplicate: true }),
      ),
      0,
    );
    expect(await getMeta(db, REVOKED)).toBe(false);
  });
});

describe('ops the server lost are queued again on a fake IndexedDB', () => {
  const pullWith = (chain: TillChainState | undefined) =>
    pullReply({ cursor: 'next', ...(chain ? { chain } : {}) });
  /** Ops 1–5 answered at till-clock 1000 (applied, held, rejected, applied, applied); op 6 still queued. */
  async function answeredNight() {
    const ops = [];
    for (let i = 0; i < 6; i++) ops.push(await sellNc(100 + i));
    const [one, two, three, four, five, six] = ops as [QueuedOp, ...QueuedOp[]];
    await applyPushReply(
      db,
      [one, two, three, four, five] as QueuedOp[],
      reply(
        '2026-11-23T23:30:00.000Z',
        result(one, {}),
        result(two as QueuedOp, { status: 'held', reason: 'insufficient_funds' }),
        result(three as QueuedOp, { status: 'rejected', reason: 'void_mismatch' }),
        result(four as QueuedOp, {}),
        result(five as QueuedOp, {}),
      ),
      1000,
    );
    await setMeta(db, 'cursor', 'before');
    return { ops, six: six as QueuedOp };
  }
  const queuedSeqs = async () => (await db.queue.orderBy('seq').toArray()).map((op) => op.seq);

  test("every op answered applied or held past the server's last seq goes back in the queue, signed as before", async () => {
    const { ops } = await answeredNight();
    expect(await applyPull(db, pullWith({ lastSeq: 1, missing: [] }), 2000, 2100)).toBe(3);

    expect(await queuedSeqs()).toEqual([2, 4, 5, 6]);
    for (const seq of [2, 4, 5]) {
      const original = ops[seq - 1] as QueuedOp;
      expect(await db.queue.get(seq)).toEqual({ ...original, createdAt: 2100 });
      expect(await db.history.get(original.id)).toMatchObject({ status: 'queued' });
    }
    expect(await db.history.get((ops[2] as QueuedOp).id)).toMatchObject({ status: 'rejected' });
    expect(await getMeta(db, RESENT)).toEqual({ count: 3, maxSeq: 5 });
    // The till's figure for the wallet counted the lost ops: it is dropped, and
    // the next pull fetches every wallet.
    expect(await db.wallets.get(TAG)).toBeUndefined();
    expect(await getMeta(db, 'cursor')).toBeUndefined();
  });

  test('a gap the server reports brings back only the ops inside it', async () => {
    await answeredNight();
    const chain = { lastSeq: 5, missing: [{ after: 1, before: 4 }] };
    expect(await applyPull(db, pullWith(chain), 2000, 2100)).toBe(1);
    expect(await queuedSeqs()).toEqual([2, 6]);
  });

  test('nothing goes back when the server holds every op, answered after the pull was asked, or sends no chain', async () => {
    await answeredNight();
    expect(await applyPull(db, pullWith({ lastSeq: 5, missing: [] }), 2000, 2100)).toBe(0);
    // A push answered while the pull was on its way: the pull's figures predate it.
    expect(await applyPull(db, pullWith({ lastSeq: 1, missing: [] }), 900, 2100)).toBe(0);
    expect(await applyPull(db, pullWith(undefined), 2000, 2100)).toBe(0);
    expect(await queuedSeqs()).toEqual([6]);
    expect(await getMeta(db, 'cursor')).toBe('next');
    expect(await getMeta(db, RESENT)).toBeUndefined();
  });

  test('an op whose signature the till did not keep cannot be sent again', async () => {
    const { ops } = await answeredNight();
    await db.history.update((ops[3] as QueuedOp).id, { sig: undefined });
    expect(await applyPull(db, pullWith({ lastSeq: 1, missing: [] }), 2000, 2100)).toBe(2);
    expect(await queuedSeqs()).toEqual([2, 5, 6]);
  });

  test('the banner counts every op sent again while earlier ones still wait, and starts over once they are in', async () => {
    const { ops } = await answeredNight();
    expect(await applyPull(db, pullWith({ lastSeq: 4, missing: [] }), 2000, 2100)).toBe(1);
    expect(await getMeta(db, RESENT)).toEqual({ count: 1, maxSeq: 5 });
    const chain = { lastSeq: 5, missing: [{ after: 1, before: 3 }] };
    expect(await applyPull(db, pullWith(chain), 2000, 2100)).toBe(1);
    expect(await getMeta(db, RESENT)).toEqual({ count: 2, maxSeq: 5 });

    const two = ops[1] as QueuedOp;
    const five = ops[4] as QueuedOp;
    await applyPushReply(
      db,
      [two, five],
      reply('2026-11-24T01:00:00.000Z', result(two, {}), result(five, {})),
      3000,
    );
    expect(await applyPull(db, pullWith({ lastSeq: 4, missing: [] }), 4000, 4100)).toBe(1);
    expect(await getMeta(db, RESENT)).toEqual({ count: 1, maxSeq: 5 });
  });

  test('an op queued by a release that kept no signature in history can still be sent again', async () => {
    const sale = await sellNc(100);
    // What the older release wrote: the queue row has the signature, history not.
    await db.history.update(sale.id, { sig: undefined });
    await applyPushReply(db, [sale], reply('2026-11-23T23:30:00.000Z', result(sale, {})), 1000);
    expect(await applyPull(db, pullWith({ lastSeq: 0, missing: [] }), 2000, 2100)).toBe(1);
    expect(await db.queue.get(sale.seq)).toMatchObject({ id: sale.id, sig: sale.sig });
  });

  test('ops sent again are not queued twice by the pulls that follow', async () => {
    await answeredNight();
    expect(await applyPull(db, pullWith({ lastSeq: 1, missing: [] }), 2000, 2100)).toBe(3);
    expect(await applyPull(db, pullWith({ lastSeq: 1, missing: [] }), 3000, 3100)).toBe(0);
    expect(await queuedSeqs()).toEqual([2, 4, 5, 6]);
  });
});
