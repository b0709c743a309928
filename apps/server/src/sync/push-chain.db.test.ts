import { securityLog, seqGaps, tills } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

describeDb('push: the till chain', () => {
  test('a second op with a used seq is held chain_fork', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 5000);
    await till.push(venue.server.send, [topup]);
    till.chain = { seq: 0, prev: '' };
    const fork = await till.topup(tag, 100);
    const { body } = await till.push(venue.server.send, [fork]);
    expect(body.results[0]).toMatchObject({
      status: 'held',
      reason: 'chain_fork',
      balanceNc: 5000,
    });
  });

  test('an op whose prev is not the hash of op seq-1 is held chain_break', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 5000)]);
    till.breakChain();
    const { body } = await till.push(venue.server.send, [await till.sale(tag, 100)]);
    expect(body.results[0]).toMatchObject({ status: 'held', reason: 'chain_break' });
    expect(await venue.balanceOf(tag)).toBe(5000);
  });

  test('a gap in seq applies the op, raises a gap alert, and the late op closes it', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const first = await till.topup(tag, 1000);
    const missing = await till.topup(tag, 1000);
    const third = await till.topup(tag, 1000);
    const early = await till.push(venue.server.send, [first, third]);
    expect(early.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const gaps = () =>
      venue.server.database.db.select().from(seqGaps).where(eq(seqGaps.tillId, till.tillId));
    expect((await gaps()).map((g) => [g.seq, g.closedAt === null])).toEqual([[3, true]]);
    const late = await till.push(venue.server.send, [missing]);
    expect(late.body.results[0]?.status).toBe('applied');
    expect((await gaps()).map((g) => [g.seq, g.closedAt === null])).toEqual([[3, false]]);
    expect(await venue.balanceOf(tag)).toBe(3000);
  });

  test('a late predecessor that the op after the gap does not link to: a chain_break is logged', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const first = await till.topup(tag, 1000);
    till.chain = { seq: 1, prev: 'A'.repeat(43) };
    const forged = await till.topup(tag, 1000);
    expect((await till.push(venue.server.send, [forged])).body.results[0]?.status).toBe('applied');
    expect((await till.push(venue.server.send, [first])).body.results[0]?.status).toBe('applied');
    const logged = await venue.server.database.db
      .select()
      .from(securityLog)
      .where(eq(securityLog.tillId, till.tillId));
    expect(logged.map((l) => [l.kind, l.opId])).toEqual([['chain_break', forged.envelope.id]]);
    const [row] = await venue.server.database.db
      .select()
      .from(tills)
      .where(eq(tills.id, till.tillId));
    expect(row?.flagReason).toBe('chain_break');
  });

  test('seqs beyond 32 bits chain and close gaps like small ones', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const base = 2 ** 31 + 10;
    till.chain = { seq: base, prev: 'A'.repeat(43) };
    const missing = await till.topup(tag, 1000);
    const next = await till.topup(tag, 1000);
    const early = await till.push(venue.server.send, [next]);
    expect(early.status).toBe(200);
    expect(early.body.results[0]?.status).toBe('applied');
    const late = await till.push(venue.server.send, [missing]);
    expect(late.body.results[0]?.status).toBe('applied');
    const gaps = await venue.server.database.db
      .select()
      .from(seqGaps)
      .where(eq(seqGaps.tillId, till.tillId));
    // base + 1 stays open: nothing of this till before it ever arrived.
    expect(gaps.map((g) => [g.seq, g.closedAt === null]).sort()).toEqual([
      [base + 1, true],
      [base + 2, false],
    ]);
    expect(await venue.balanceOf(tag)).toBe(2000);
  });

  test('ops of one push chain to each other: no gap alert, and a broken or reused link in it is held', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const first = await till.topup(tag, 1000);
    const second = await till.topup(tag, 1000);
    till.breakChain();
    const broken = await till.topup(tag, 1000);
    till.chain = { seq: 1, prev: 'A'.repeat(43) };
    const fork = await till.topup(tag, 1000);
    const { status, body } = await till.push(venue.server.send, [first, second, broken, fork]);
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', null],
      ['applied', null],
      ['held', 'chain_break'],
      ['held', 'chain_fork'],
    ]);
    const gaps = await venue.server.database.db
      .select()
      .from(seqGaps)
      .where(eq(seqGaps.tillId, till.tillId));
    expect(gaps).toEqual([]);
    expect(await venue.balanceOf(tag)).toBe(2000);
  });

  test('ops are replayed in seq order whatever order the request lists them in', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(tag, 1000);
    const { body } = await till.push(venue.server.send, [sale, topup]);
    expect(body.results.map((r) => [r.id, r.status, r.balanceNc])).toEqual([
      [sale.envelope.id, 'applied', 0],
      [topup.envelope.id, 'applied', 1000],
    ]);
  });
});
