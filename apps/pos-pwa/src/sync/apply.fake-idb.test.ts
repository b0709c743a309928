import 'fake-indexeddb/auto';
import type { OpResult, PushResponse } from '@niteos/schema/wire';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getMeta, type QueuedOp, REVOKED, type TillDb } from '../db/database.ts';
import { type Charge, charge } from '../ops/charge.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { applyPushReply } from './apply.ts';

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
