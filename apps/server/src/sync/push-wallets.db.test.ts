import { tills, walletVenues } from '@niteos/schema/tables';
import { eq, sql } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

describeDb('push: wallet rules', () => {
  test('a sale beyond the balance is held insufficient_funds and the balance is untouched', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 1000)]);
    const exact = await till.sale(tag, 1000);
    const over = await till.sale(tag, 1);
    const { body } = await till.push(venue.server.send, [exact, over]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['applied', null, 0],
      ['held', 'insufficient_funds', 0],
    ]);
  });

  test('an NC sale to a wallet never seen is held unknown_wallet; a cash sale to it applies', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const { body } = await till.push(venue.server.send, [
      await till.sale(tag, 500),
      await till.sale(tag, 500, 'cash'),
    ]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'unknown_wallet', null],
      ['applied', null, null],
    ]);
    expect(await venue.balanceOf(tag)).toBeNull();
  });

  test('a cashout debits NC and is held beyond the balance', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 2000)]);
    const cashout = (amount: number) =>
      till.sign({
        op: 'cashout',
        nitetapId: tag,
        tender: 'cash',
        amountNc: amount,
        amountChf: amount,
        basis: { balanceNc: 2000, asOf: null, pendingNc: 0 },
      });
    const { body } = await till.push(venue.server.send, [await cashout(1500), await cashout(1000)]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['applied', null, 500],
      ['held', 'insufficient_funds', 500],
    ]);
  });

  test('a blocked wallet holds NC sales and topups as blocked_tag', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 3000)]);
    await venue.server.database.db.execute(
      // Blocking has its own admin endpoint in the back-office issue; the rule is what is tested here.
      (await import('drizzle-orm'))
        .sql`update wallets set status = 'blocked' where nitetap_id = ${tag}`,
    );
    const { body } = await till.push(venue.server.send, [
      await till.sale(tag, 100),
      await till.topup(tag, 100),
    ]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'blocked_tag', 3000],
      ['held', 'blocked_tag', 3000],
    ]);
  });

  test('an op its basis does not justify is still applied and flags the till', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 50_000)]);
    const { body } = await till.push(venue.server.send, [await till.unjustifiedSale(tag, 20_000)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 30_000 });
    const [row] = await venue.server.database.db
      .select()
      .from(tills)
      .where(eq(tills.id, till.tillId));
    expect(row?.flagReason).toBe('basis_violation');
  });

  test('a till still judging by a policy an admin replaced is not flagged, for 2 days after each change', async () => {
    const { server } = venue;
    const venueId = await server.createVenue();
    const flagOf = async (tillId: string) =>
      (await server.database.db.select().from(tills).where(eq(tills.id, tillId)))[0]?.flagReason;
    /** A sale of `amountNc` on a snapshot that covers it, from a new till of the venue. */
    const soldOnSnapshot = async (amountNc: number) => {
      const till = await server.enrollTill(venueId);
      const tag = venue.newTag();
      await till.push(server.send, [await till.topup(tag, 100_000)]);
      const sale = await till.sign({
        op: 'sale',
        nitetapId: tag,
        amountNc,
        lines: [{ itemId: 'magnum', qty: 1, unitNc: amountNc, unitChf: amountNc }],
        basis: { balanceNc: 100_000, asOf: new Date().toISOString(), pendingNc: 0 },
      });
      const { body } = await till.push(server.send, [sale]);
      expect(body.results[0]).toMatchObject({ status: 'applied' });
      return flagOf(till.tillId);
    };
    const setCap = async (offlineCapNc: number) =>
      expect(
        (
          await server.json('PATCH', `/api/admin/venues/${venueId}`, server.rootToken, {
            policy: { offlineCapNc },
          })
        ).status,
      ).toBe(200);
    const ageChanges = (days: number) =>
      server.database.db.execute(sql`
        update venues set previous_policies = (
          select coalesce(jsonb_agg(jsonb_set(p, '{replacedAt}',
            to_jsonb(to_char((now() - make_interval(days => ${days})) at time zone 'UTC',
              'YYYY-MM-DD"T"HH24:MI:SS"Z"')))), '[]'::jsonb)
          from jsonb_array_elements(previous_policies) p)
        where id = ${venueId}`);

    // The default cap is 100 NC. Lowered to 50, then 40: an 80 NC sale by the old one passes.
    await setCap(5_000);
    expect(await soldOnSnapshot(8_000)).toBeNull();
    await setCap(4_000);
    expect(await soldOnSnapshot(8_000)).toBeNull();
    expect(await soldOnSnapshot(12_000)).toBe('basis_violation');
    // Three days on, the replaced caps have lapsed.
    await ageChanges(3);
    expect(await soldOnSnapshot(8_000)).toBe('basis_violation');

    // A cap raised for an event and lowered again lapses on its own,
    // however many changes follow it.
    await setCap(50_000);
    await setCap(10_000);
    await ageChanges(3);
    await setCap(9_000);
    expect(await soldOnSnapshot(9_500)).toBeNull();
    expect(await soldOnSnapshot(40_000)).toBe('basis_violation');
  });

  test('a push records where a wallet was seen, refreshing it once it is an hour old', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const seenAt = async () => {
      const [row] = await venue.server.database.db
        .select({ at: walletVenues.lastSeenAt })
        .from(walletVenues)
        .where(eq(walletVenues.nitetapId, tag));
      return row?.at.getTime();
    };
    const setSeenAt = (interval: string) =>
      venue.server.database.db
        .update(walletVenues)
        .set({ lastSeenAt: sql`now() - ${sql.raw(`interval '${interval}'`)}` })
        .where(eq(walletVenues.nitetapId, tag));
    await till.push(venue.server.send, [await till.topup(tag, 3000)]);
    expect(await seenAt()).toBeGreaterThan(Date.now() - 60_000);
    await setSeenAt('50 minutes');
    const recent = await seenAt();
    await till.push(venue.server.send, [await till.sale(tag, 100)]);
    expect(await seenAt()).toBe(recent);
    await setSeenAt('2 hours');
    await till.push(venue.server.send, [await till.sale(tag, 100)]);
    expect(await seenAt()).toBeGreaterThan(Date.now() - 60_000);
  });

  test('the same push sent on several connections at once applies each op exactly once', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const ops = [await till.topup(tag, 10_000)];
    for (let i = 0; i < 20; i++) ops.push(await till.sale(tag, 100));
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => till.push(venue.server.send, ops)),
    );
    for (const reply of replies) expect(reply.status).toBe(200);
    for (let i = 0; i < ops.length; i++) {
      const fresh = replies.filter((r) => r.body.results[i]?.duplicate === false);
      expect(fresh).toHaveLength(1);
      expect(replies.every((r) => r.body.results[i]?.status === 'applied')).toBe(true);
    }
    expect(await venue.balanceOf(tag)).toBe(8000);
  });

  test('two tills selling to one wallet at once never take it below the overdraft limit', async () => {
    const a = await venue.freshTill();
    const b = await venue.freshTill();
    const tag = venue.newTag();
    await a.push(venue.server.send, [await a.topup(tag, 1000)]);
    const salesA = [];
    const salesB = [];
    for (let i = 0; i < 8; i++) {
      salesA.push(await a.sale(tag, 100));
      salesB.push(await b.sale(tag, 100));
    }
    const [ra, rb] = await Promise.all([
      a.push(venue.server.send, salesA),
      b.push(venue.server.send, salesB),
    ]);
    const all = [...(ra?.body.results ?? []), ...(rb?.body.results ?? [])];
    expect(all.filter((r) => r.status === 'applied')).toHaveLength(10);
    expect(all.filter((r) => r.reason === 'insufficient_funds')).toHaveLength(6);
    expect(await venue.balanceOf(tag)).toBe(0);
  });
});
