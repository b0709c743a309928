import { walletVenues } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

describeDb('push: a revoked till', () => {
  test('ops of a revoked till are held revoked_till and become conflicts; it can no longer pull', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 5000)]);
    const revoke = await venue.server.json(
      'POST',
      `/api/admin/tills/${till.tillId}/revoke`,
      venue.server.rootToken,
    );
    expect(revoke.status).toBe(200);
    const pull = await venue.server.json('GET', '/api/sync/pull', till.deviceToken);
    expect(pull.status).toBe(403);
    expect(pull.body).toEqual({
      error: { code: 'forbidden', message: expect.stringMatching(/revoked/) },
    });
    const sale = await till.sale(tag, 1000);
    const { body } = await till.push(venue.server.send, [sale]);
    expect(body.results[0]).toMatchObject({
      status: 'held',
      reason: 'revoked_till',
      balanceNc: null,
    });
    const open = await venue.server.json(
      'GET',
      '/api/admin/conflicts?status=open',
      venue.server.rootToken,
    );
    expect(
      open.body.conflicts.filter((c: { opId: string }) => c.opId === sale.envelope.id),
    ).toEqual([
      expect.objectContaining({
        reason: 'revoked_till',
        venueId: venue.id,
        amountNc: 1000,
        nitetapId: tag,
      }),
    ]);
  });

  test("a revoked till learns no wallet's balance from its pushes, nor makes it a wallet of its venue", async () => {
    // A wallet only ever used at another venue, and a revoked (lost or stolen) till.
    const elsewhere = await venue.server.enrollTill(await venue.server.createVenue());
    const tag = venue.newTag();
    await elsewhere.push(venue.server.send, [await elsewhere.topup(tag, 7000)]);
    const stolen = await venue.freshTill();
    await venue.server.json(
      'POST',
      `/api/admin/tills/${stolen.tillId}/revoke`,
      venue.server.rootToken,
    );

    const { body } = await stolen.push(venue.server.send, [
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
    const seenAt = await venue.server.database.db
      .select({ venueId: walletVenues.venueId })
      .from(walletVenues)
      .where(eq(walletVenues.nitetapId, tag));
    expect(seenAt.map((r) => r.venueId)).not.toContain(venue.id);
  });

  test('a revoked till that sends again an op from before its revocation gets no balance back', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 4000);
    const first = await till.push(venue.server.send, [topup]);
    expect(first.body.results[0]).toMatchObject({ status: 'applied', balanceNc: 4000 });
    await venue.server.json(
      'POST',
      `/api/admin/tills/${till.tillId}/revoke`,
      venue.server.rootToken,
    );

    const { body } = await till.push(venue.server.send, [topup]);
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
});
