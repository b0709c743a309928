import { randomUUID } from 'node:crypto';
import { canonicalEnvelope, canonicalHash, verifyCanonical } from '@niteos/ledger-core';
import {
  conflicts,
  ledgerLines,
  ops as opLog,
  securityLog,
  seqGaps,
  tills,
  walletVenues,
} from '@niteos/schema/tables';
import { PUSH_MAX_OPS } from '@niteos/schema/wire';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { nodeEd25519Verify, nodeSha256 } from '../crypto/node-ed25519.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let venueId: string;
let tagCounter = 0;
/** A fresh wallet id per test, so tests share one database without sharing wallets. */
const newTag = () => `a0b0c0d0${(++tagCounter).toString(16).padStart(8, '0')}`;

beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
});
afterAll(() => server.disposeBalanced());

async function freshTill(): Promise<TestTill> {
  return server.enrollTill(venueId);
}

async function balanceOf(tag: string): Promise<number | null> {
  const res = await server.json('GET', `/api/wallets/${tag}`, server.rootToken);
  return res.status === 200 ? res.body.balanceNc : null;
}

describeDb('push: statuses and reasons of the contract', () => {
  test('a topup creates the wallet and an NC sale debits it, granting XP', async () => {
    const till = await freshTill();
    const tag = newTag();
    const { status, body } = await till.push(server.send, [
      await till.topup(tag.toUpperCase(), 5000),
      await till.sale(tag, 1200),
    ]);
    expect(status).toBe(200);
    expect(
      body.results.map((r) => [r.status, r.reason, r.duplicate, r.balanceNc, r.xp, r.level]),
    ).toEqual([
      ['applied', null, false, 5000, 0, 1],
      ['applied', null, false, 3800, 12, 1],
    ]);
    expect(await balanceOf(tag)).toBe(3800);
    expect(typeof body.serverTime).toBe('string');
  });

  test('the op log keeps each envelope exactly as signed, so the row alone proves the op', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag.toUpperCase(), 5000);
    expect((await till.push(server.send, [topup])).status).toBe(200);
    const [row] = await server.database.db
      .select()
      .from(opLog)
      .where(eq(opLog.id, topup.envelope.id));
    const signed = canonicalEnvelope(topup.envelope);
    expect(row?.signed).toBe(signed);
    expect(row?.canonHash).toBe(canonicalHash(signed, nodeSha256));
    expect(row?.nitetapId).toBe(tag);
    const check = verifyCanonical(
      row?.signed ?? '',
      row?.sig ?? '',
      till.keys.publicKey,
      nodeEd25519Verify,
    );
    expect(check.valid).toBe(true);
  });

  test('replaying the same ops returns the stored results marked duplicate and moves nothing', async () => {
    const till = await freshTill();
    const tag = newTag();
    const ops = [await till.topup(tag, 3000), await till.sale(tag, 1000)];
    const first = await till.push(server.send, ops);
    const again = await till.push(server.send, ops);
    expect(again.body.results).toEqual(first.body.results.map((r) => ({ ...r, duplicate: true })));
    expect(await balanceOf(tag)).toBe(2000);
  });

  test('an id reused for a different envelope is rejected id_reuse', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 3000);
    await till.push(server.send, [topup]);
    const forged = await till.sign({ ...topup.envelope, amountNc: 9000, amountChf: 9000 });
    const { body } = await till.push(server.send, [forged]);
    expect(body.results[0]).toMatchObject({
      id: topup.envelope.id,
      status: 'rejected',
      reason: 'id_reuse',
    });
    expect(await balanceOf(tag)).toBe(3000);
  });

  test('an op listed twice in one push is applied once; the copy gets its result as a duplicate', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 3000);
    const forged = await till.sign({ ...topup.envelope, amountNc: 9000, amountChf: 9000 });
    const { body } = await till.push(server.send, [topup, topup, forged]);
    expect(body.results.map((r) => [r.status, r.reason, r.duplicate, r.balanceNc])).toEqual([
      ['applied', null, false, 3000],
      ['applied', null, true, 3000],
      ['rejected', 'id_reuse', false, null],
    ]);
    expect(await balanceOf(tag)).toBe(3000);
  });

  test('a malformed op is rejected schema while the rest of the push goes through', async () => {
    const till = await freshTill();
    const tag = newTag();
    const good = await till.topup(tag, 1000);
    const extraField = await till.topup(tag, 1000);
    const bad = { ...extraField, envelope: { ...extraField.envelope, surprise: true } };
    const badSum = await till.sign({
      op: 'sale',
      nitetapId: tag,
      amountNc: 999,
      lines: [{ itemId: 'x', qty: 2, unitNc: 500, unitChf: 500 }],
    });
    // Text PostgreSQL cannot store (NUL, signed) or RFC 8785 cannot canonicalize (a lone surrogate).
    const nul = await till.sign({
      op: 'topup',
      nitetapId: tag,
      tender: 'cash',
      staffId: 'a\u0000b',
    });
    const lone = { ...good, envelope: { ...good.envelope, id: randomUUID(), staffId: '\uD83D' } };
    const { status, body } = await till.push(server.send, [
      good,
      bad,
      badSum,
      { envelope: 'nope' },
      42,
      nul,
      lone,
    ]);
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', null],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
    ]);
    expect(body.results[1]?.id).toBe(extraField.envelope.id);
    expect(await balanceOf(tag)).toBe(1000);
  });

  test('an op signed for another till is unknown_till; one naming another venue is venue_mismatch', async () => {
    const till = await freshTill();
    const other = await freshTill();
    const foreign = await other.topup(newTag(), 1000);
    const wrongVenue = await till.sign({
      op: 'topup',
      venueId: randomUUID(),
      nitetapId: newTag(),
      tender: 'cash',
      amountNc: 100,
      amountChf: 100,
    });
    const { body } = await till.push(server.send, [foreign, wrongVenue]);
    expect(body.results.map((r) => r.reason)).toEqual(['unknown_till', 'venue_mismatch']);
  });

  test('a bad signature is rejected, never reaches the ledger and is written to the security log', async () => {
    const till = await freshTill();
    const tag = newTag();
    const op = await till.topup(tag, 7000);
    const tampered = {
      envelope: { ...op.envelope, amountNc: 70000, amountChf: 70000 },
      sig: op.sig,
    };
    const { body } = await till.push(server.send, [tampered]);
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      reason: 'bad_signature',
      balanceNc: null,
    });
    expect(await balanceOf(tag)).toBeNull();
    const lines = await server.database.db
      .select()
      .from(ledgerLines)
      .where(eq(ledgerLines.opId, op.envelope.id));
    expect(lines).toHaveLength(0);
    const logged = await server.database.db
      .select()
      .from(securityLog)
      .where(eq(securityLog.opId, op.envelope.id));
    expect(logged.map((l) => l.kind)).toEqual(['bad_signature']);
    // The genuine op with that id still applies afterwards: a forgery cannot burn an id.
    const genuine = await till.push(server.send, [op]);
    expect(genuine.body.results[0]?.status).toBe('applied');
  });

  test('ops of a revoked till are held revoked_till and become conflicts; it can no longer pull', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 5000)]);
    const revoke = await server.json(
      'POST',
      `/api/admin/tills/${till.tillId}/revoke`,
      server.rootToken,
    );
    expect(revoke.status).toBe(200);
    const pull = await server.json('GET', '/api/sync/pull', till.deviceToken);
    expect(pull.status).toBe(403);
    expect(pull.body).toEqual({
      error: { code: 'forbidden', message: expect.stringMatching(/revoked/) },
    });
    const sale = await till.sale(tag, 1000);
    const { body } = await till.push(server.send, [sale]);
    expect(body.results[0]).toMatchObject({
      status: 'held',
      reason: 'revoked_till',
      balanceNc: null,
    });
    const open = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
    expect(
      open.body.conflicts.filter((c: { opId: string }) => c.opId === sale.envelope.id),
    ).toEqual([
      expect.objectContaining({ reason: 'revoked_till', venueId, amountNc: 1000, nitetapId: tag }),
    ]);
  });

  test("a revoked till learns no wallet's balance from its pushes, nor makes it a wallet of its venue", async () => {
    // A wallet only ever used at another venue, and a revoked (lost or stolen) till.
    const elsewhere = await server.enrollTill(await server.createVenue());
    const tag = newTag();
    await elsewhere.push(server.send, [await elsewhere.topup(tag, 7000)]);
    const stolen = await freshTill();
    await server.json('POST', `/api/admin/tills/${stolen.tillId}/revoke`, server.rootToken);

    const { body } = await stolen.push(server.send, [
      await stolen.sale(tag, 100),
      await stolen.topup(tag, 100),
    ]);
    for (const result of body.results) {
      expect(result).toMatchObject({
        status: 'held',
        reason: 'revoked_till',
        balanceNc: null,
        xp: null,
        level: null,
      });
    }
    // Not "used at" the revoked till's venue: its admins still cannot see, block or move it.
    const seenAt = await server.database.db
      .select({ venueId: walletVenues.venueId })
      .from(walletVenues)
      .where(eq(walletVenues.nitetapId, tag));
    expect(seenAt.map((r) => r.venueId)).not.toContain(venueId);
  });

  test('a revoked till that sends again an op from before its revocation gets no balance back', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 4000);
    const first = await till.push(server.send, [topup]);
    expect(first.body.results[0]).toMatchObject({ status: 'applied', balanceNc: 4000 });
    await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, server.rootToken);

    const { body } = await till.push(server.send, [topup]);
    expect(body.results[0]).toEqual({
      id: topup.envelope.id,
      status: 'applied',
      duplicate: true,
      reason: null,
      balanceNc: null,
      xp: null,
      level: null,
    });
  });

  test('a second op with a used seq is held chain_fork', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 5000);
    await till.push(server.send, [topup]);
    till.chain = { seq: 0, prev: '' };
    const fork = await till.topup(tag, 100);
    const { body } = await till.push(server.send, [fork]);
    expect(body.results[0]).toMatchObject({
      status: 'held',
      reason: 'chain_fork',
      balanceNc: 5000,
    });
  });

  test('an op whose prev is not the hash of op seq-1 is held chain_break', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 5000)]);
    till.breakChain();
    const { body } = await till.push(server.send, [await till.sale(tag, 100)]);
    expect(body.results[0]).toMatchObject({ status: 'held', reason: 'chain_break' });
    expect(await balanceOf(tag)).toBe(5000);
  });

  test('a gap in seq applies the op, raises a gap alert, and the late op closes it', async () => {
    const till = await freshTill();
    const tag = newTag();
    const first = await till.topup(tag, 1000);
    const missing = await till.topup(tag, 1000);
    const third = await till.topup(tag, 1000);
    const early = await till.push(server.send, [first, third]);
    expect(early.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const gaps = () =>
      server.database.db.select().from(seqGaps).where(eq(seqGaps.tillId, till.tillId));
    expect((await gaps()).map((g) => [g.seq, g.closedAt === null])).toEqual([[3, true]]);
    const late = await till.push(server.send, [missing]);
    expect(late.body.results[0]?.status).toBe('applied');
    expect((await gaps()).map((g) => [g.seq, g.closedAt === null])).toEqual([[3, false]]);
    expect(await balanceOf(tag)).toBe(3000);
  });

  test('a late predecessor that the op after the gap does not link to: a chain_break is logged', async () => {
    const till = await freshTill();
    const tag = newTag();
    const first = await till.topup(tag, 1000);
    till.chain = { seq: 1, prev: 'A'.repeat(43) };
    const forged = await till.topup(tag, 1000);
    expect((await till.push(server.send, [forged])).body.results[0]?.status).toBe('applied');
    expect((await till.push(server.send, [first])).body.results[0]?.status).toBe('applied');
    const logged = await server.database.db
      .select()
      .from(securityLog)
      .where(eq(securityLog.tillId, till.tillId));
    expect(logged.map((l) => [l.kind, l.opId])).toEqual([['chain_break', forged.envelope.id]]);
    const [row] = await server.database.db.select().from(tills).where(eq(tills.id, till.tillId));
    expect(row?.flagReason).toBe('chain_break');
  });

  test('seqs beyond 32 bits chain and close gaps like small ones', async () => {
    const till = await freshTill();
    const tag = newTag();
    const base = 2 ** 31 + 10;
    till.chain = { seq: base, prev: 'A'.repeat(43) };
    const missing = await till.topup(tag, 1000);
    const next = await till.topup(tag, 1000);
    const early = await till.push(server.send, [next]);
    expect(early.status).toBe(200);
    expect(early.body.results[0]?.status).toBe('applied');
    const late = await till.push(server.send, [missing]);
    expect(late.body.results[0]?.status).toBe('applied');
    const gaps = await server.database.db
      .select()
      .from(seqGaps)
      .where(eq(seqGaps.tillId, till.tillId));
    // base + 1 stays open: nothing of this till before it ever arrived.
    expect(gaps.map((g) => [g.seq, g.closedAt === null]).sort()).toEqual([
      [base + 1, true],
      [base + 2, false],
    ]);
    expect(await balanceOf(tag)).toBe(2000);
  });

  test('ops of one push chain to each other: no gap alert, and a broken or reused link in it is held', async () => {
    const till = await freshTill();
    const tag = newTag();
    const first = await till.topup(tag, 1000);
    const second = await till.topup(tag, 1000);
    till.breakChain();
    const broken = await till.topup(tag, 1000);
    till.chain = { seq: 1, prev: 'A'.repeat(43) };
    const fork = await till.topup(tag, 1000);
    const { status, body } = await till.push(server.send, [first, second, broken, fork]);
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', null],
      ['applied', null],
      ['held', 'chain_break'],
      ['held', 'chain_fork'],
    ]);
    const gaps = await server.database.db
      .select()
      .from(seqGaps)
      .where(eq(seqGaps.tillId, till.tillId));
    expect(gaps).toEqual([]);
    expect(await balanceOf(tag)).toBe(2000);
  });

  test('ops are replayed in seq order whatever order the request lists them in', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(tag, 1000);
    const { body } = await till.push(server.send, [sale, topup]);
    expect(body.results.map((r) => [r.id, r.status, r.balanceNc])).toEqual([
      [sale.envelope.id, 'applied', 0],
      [topup.envelope.id, 'applied', 1000],
    ]);
  });

  test('a sale beyond the balance is held insufficient_funds and the balance is untouched', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 1000)]);
    const exact = await till.sale(tag, 1000);
    const over = await till.sale(tag, 1);
    const { body } = await till.push(server.send, [exact, over]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['applied', null, 0],
      ['held', 'insufficient_funds', 0],
    ]);
  });

  test('an NC sale to a wallet never seen is held unknown_wallet; a cash sale to it applies', async () => {
    const till = await freshTill();
    const tag = newTag();
    const { body } = await till.push(server.send, [
      await till.sale(tag, 500),
      await till.sale(tag, 500, 'cash'),
    ]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'unknown_wallet', null],
      ['applied', null, null],
    ]);
    expect(await balanceOf(tag)).toBeNull();
  });

  test('a cashout debits NC and is held beyond the balance', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 2000)]);
    const cashout = (amount: number) =>
      till.sign({
        op: 'cashout',
        nitetapId: tag,
        tender: 'cash',
        amountNc: amount,
        amountChf: amount,
        basis: { balanceNc: 2000, asOf: null, pendingNc: 0 },
      });
    const { body } = await till.push(server.send, [await cashout(1500), await cashout(1000)]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['applied', null, 500],
      ['held', 'insufficient_funds', 500],
    ]);
  });

  test('a void refunds its sale and its XP; a second void is already_voided', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 2500);
    await till.push(server.send, [topup, sale]);
    const voidOp = await till.voidOf(sale);
    const again = await till.voidOf(sale);
    const { body } = await till.push(server.send, [voidOp, again]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc, r.xp])).toEqual([
      ['applied', null, 5000, 0],
      ['rejected', 'already_voided', 5000, 0],
    ]);
  });

  test('a void whose amounts differ from its sale is rejected void_mismatch', async () => {
    const till = await freshTill();
    const tag = newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 2500);
    await till.push(server.send, [topup, sale]);
    const bad = await till.sign({
      op: 'void',
      nitetapId: tag,
      tender: 'nc',
      amountNc: 2000,
      voids: sale.envelope.id,
    });
    const { body } = await till.push(server.send, [bad]);
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      reason: 'void_mismatch',
      balanceNc: 2500,
    });
  });

  /**
   * A 15.00 NC sale on a 50.00 NC wallet whose void, from another till,
   * arrived first (held `void_target_missing`); then the sale arrives.
   * `accept` resolves the void's conflict as an admin would.
   */
  async function voidBeforeItsSale() {
    const saleTill = await freshTill();
    const voidTill = await freshTill();
    const tag = newTag();
    await saleTill.push(server.send, [await saleTill.topup(tag, 5000)]);
    const sale = await saleTill.sale(tag, 1500);
    const voidOp = await voidTill.voidOf(sale);
    const held = await voidTill.push(server.send, [voidOp]);
    await saleTill.push(server.send, [sale]);
    const accept = async () => {
      const conflict = await findConflict(voidOp.envelope.id);
      return server.json('POST', `/api/admin/conflicts/${conflict.id}/resolve`, server.rootToken, {
        resolution: 'accept',
        note: 'sale arrived later',
      });
    };
    return { saleTill, sale, tag, held: held.body.results[0], accept };
  }

  test('a void of an unknown sale is held void_target_missing and can be accepted once the sale arrives', async () => {
    const { tag, held, accept } = await voidBeforeItsSale();
    expect(held).toMatchObject({ status: 'held', reason: 'void_target_missing' });
    expect(await balanceOf(tag)).toBe(3500);
    expect((await accept()).status).toBe(200);
    expect(await balanceOf(tag)).toBe(5000);
  });

  test('a void an admin accepted voids its sale: another void of it is already_voided', async () => {
    const { saleTill, sale, tag, accept } = await voidBeforeItsSale();
    expect((await accept()).status).toBe(200);
    const { body } = await saleTill.push(server.send, [await saleTill.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'rejected', reason: 'already_voided' });
    expect(await balanceOf(tag)).toBe(5000);
  });

  test('a void of a held sale moves nothing and closes the sale conflict', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 100)]);
    const sale = await till.sale(tag, 900);
    await till.push(server.send, [sale]);
    const conflict = await findConflict(sale.envelope.id);
    const { body } = await till.push(server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 100 });
    const [row] = await server.database.db
      .select()
      .from(conflicts)
      .where(eq(conflicts.id, conflict.id));
    expect(row).toMatchObject({ status: 'resolved', resolution: 'reject' });
  });

  test('a held sale and its void in the same push move nothing', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 100)]);
    const sale = await till.sale(tag, 900);
    const { body } = await till.push(server.send, [sale, await till.voidOf(sale)]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'insufficient_funds', 100],
      ['applied', null, 100],
    ]);
    expect(await balanceOf(tag)).toBe(100);
    const [row] = await server.database.db
      .select()
      .from(conflicts)
      .where(eq(conflicts.opId, sale.envelope.id));
    expect(row).toMatchObject({ status: 'resolved', resolution: 'reject' });
  });

  test('a blocked wallet holds NC sales and topups as blocked_tag', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 3000)]);
    await server.database.db.execute(
      // Blocking has its own admin endpoint in the back-office issue; the rule is what is tested here.
      (await import('drizzle-orm'))
        .sql`update wallets set status = 'blocked' where nitetap_id = ${tag}`,
    );
    const { body } = await till.push(server.send, [
      await till.sale(tag, 100),
      await till.topup(tag, 100),
    ]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'blocked_tag', 3000],
      ['held', 'blocked_tag', 3000],
    ]);
  });

  test('an op its basis does not justify is still applied and flags the till', async () => {
    const till = await freshTill();
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 50_000)]);
    const greedy = await till.sign({
      op: 'sale',
      nitetapId: tag,
      amountNc: 20_000,
      lines: [{ itemId: 'magnum', qty: 1, unitNc: 20_000, unitChf: 20_000 }],
      basis: { balanceNc: null, asOf: null, pendingNc: 0 },
    });
    const { body } = await till.push(server.send, [greedy]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 30_000 });
    const [row] = await server.database.db.select().from(tills).where(eq(tills.id, till.tillId));
    expect(row?.flagReason).toBe('basis_violation');
  });

  test('a push records where a wallet was seen, refreshing it once it is an hour old', async () => {
    const till = await freshTill();
    const tag = newTag();
    const seenAt = async () => {
      const [row] = await server.database.db
        .select({ at: walletVenues.lastSeenAt })
        .from(walletVenues)
        .where(eq(walletVenues.nitetapId, tag));
      return row?.at.getTime();
    };
    const setSeenAt = (interval: string) =>
      server.database.db
        .update(walletVenues)
        .set({ lastSeenAt: sql`now() - ${sql.raw(`interval '${interval}'`)}` })
        .where(eq(walletVenues.nitetapId, tag));
    await till.push(server.send, [await till.topup(tag, 3000)]);
    expect(await seenAt()).toBeGreaterThan(Date.now() - 60_000);
    await setSeenAt('50 minutes');
    const recent = await seenAt();
    await till.push(server.send, [await till.sale(tag, 100)]);
    expect(await seenAt()).toBe(recent);
    await setSeenAt('2 hours');
    await till.push(server.send, [await till.sale(tag, 100)]);
    expect(await seenAt()).toBeGreaterThan(Date.now() - 60_000);
  });

  test('the same push sent on several connections at once applies each op exactly once', async () => {
    const till = await freshTill();
    const tag = newTag();
    const ops = [await till.topup(tag, 10_000)];
    for (let i = 0; i < 20; i++) ops.push(await till.sale(tag, 100));
    const replies = await Promise.all(Array.from({ length: 6 }, () => till.push(server.send, ops)));
    for (const reply of replies) expect(reply.status).toBe(200);
    for (let i = 0; i < ops.length; i++) {
      const fresh = replies.filter((r) => r.body.results[i]?.duplicate === false);
      expect(fresh).toHaveLength(1);
      expect(replies.every((r) => r.body.results[i]?.status === 'applied')).toBe(true);
    }
    expect(await balanceOf(tag)).toBe(8000);
  });

  test('two tills selling to one wallet at once never take it below the overdraft limit', async () => {
    const a = await freshTill();
    const b = await freshTill();
    const tag = newTag();
    await a.push(server.send, [await a.topup(tag, 1000)]);
    const salesA = [];
    const salesB = [];
    for (let i = 0; i < 8; i++) {
      salesA.push(await a.sale(tag, 100));
      salesB.push(await b.sale(tag, 100));
    }
    const [ra, rb] = await Promise.all([a.push(server.send, salesA), b.push(server.send, salesB)]);
    const all = [...(ra?.body.results ?? []), ...(rb?.body.results ?? [])];
    expect(all.filter((r) => r.status === 'applied')).toHaveLength(10);
    expect(all.filter((r) => r.reason === 'insufficient_funds')).toHaveLength(6);
    expect(await balanceOf(tag)).toBe(0);
  });
});

async function findConflict(opId: string): Promise<{ id: string }> {
  const res = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
  const found = res.body.conflicts.find((c: { opId: string }) => c.opId === opId);
  if (!found) throw new Error(`no open conflict for op ${opId}`);
  return found;
}

describeDb('push: transport errors', () => {
  test('no token or an unknown token is 401', async () => {
    const till = await freshTill();
    const body = JSON.stringify({ tillId: till.tillId, ops: [] });
    const none = await server.send('/api/sync/push', { method: 'POST', body });
    expect(none.status).toBe(401);
    const wrong = await server.send('/api/sync/push', {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });

  test('a body naming another till than the token is 401 and nothing is applied', async () => {
    const till = await freshTill();
    const other = await freshTill();
    const tag = newTag();
    const res = await server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}` },
      body: JSON.stringify({ tillId: other.tillId, ops: [await other.topup(tag, 100)] }),
    });
    expect(res.status).toBe(401);
    expect(await balanceOf(tag)).toBeNull();
  });

  test('malformed JSON is 400 bad_json', async () => {
    const till = await freshTill();
    const res = await server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}` },
      body: '{"tillId": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_json');
  });

  test('a body without an ops array is 400', async () => {
    const till = await freshTill();
    const res = await server.json('POST', '/api/sync/push', till.deviceToken, {
      tillId: till.tillId,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  test(`more than ${PUSH_MAX_OPS} ops is 413 and nothing is applied`, async () => {
    const till = await freshTill();
    const tag = newTag();
    const ops = [];
    for (let i = 0; i <= PUSH_MAX_OPS; i++) ops.push(await till.topup(tag, 100));
    const { status } = await till.push(server.send, ops);
    expect(status).toBe(413);
    expect(await balanceOf(tag)).toBeNull();
  });

  test('a body over 1 MiB is 413 before any work', async () => {
    const till = await freshTill();
    const res = await server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tillId: till.tillId, ops: [], pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });
});
