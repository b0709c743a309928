import { wallets } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.disposeBalanced());

/** `racers` queued on the wallet's row, in order (see `queuedBehind`). */
const queuedOnWallet = <T>(tag: string, racers: (() => Promise<T>)[]) =>
  queuedBehind(
    server.database.db,
    (tx) => tx.select().from(wallets).where(eq(wallets.nitetapId, tag)).for('update'),
    racers,
  );

const balance = async (tag: string) =>
  (await server.json('GET', `/api/wallets/${tag}`, server.rootToken)).body.balanceNc;
const block = (tag: string) =>
  server.json('POST', `/api/admin/wallets/${tag}/block`, server.rootToken);
/** An admin's replacement of `lost` by `fresh`, as a racer: its HTTP status. */
const replacing = (lost: string, fresh: string) => async () =>
  (
    await server.json('POST', `/api/admin/wallets/${lost}/replace`, server.rootToken, {
      newNitetapId: fresh,
    })
  ).status;

describeDb('voids racing for the same sale', () => {
  test('two tills void one NC sale at once: the guest is refunded once', async () => {
    const venueId = await server.createVenue();
    const [a, b] = await Promise.all([server.enrollTill(venueId), server.enrollTill(venueId)]);
    if (!a || !b) throw new Error('no tills');
    const tag = 'd0d0d0d0e1';
    const topup = await a.topup(tag, 5000);
    const sale = await a.sale(tag, 1500);
    const pushed = await a.push(server.send, [topup, sale]);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);

    const voids = [await a.voidOf(sale), await b.voidOf(sale)];
    const replies = await queuedOnWallet(tag, [
      () => a.push(server.send, [voids[0]]),
      () => b.push(server.send, [voids[1]]),
    ]);
    const results = replies.map((r) => r.body.results[0]);
    expect(results.map((r) => `${r?.status}:${r?.reason ?? ''}`).sort()).toEqual([
      'applied:',
      'rejected:already_voided',
    ]);
    expect(await balance(tag)).toBe(5000);
  });

  test('an admin accepts a held sale while a till voids it: the guest is not charged', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = 'd0d0d0d0e2';
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(tag, 1500);
    const pushed = await till.push(server.send, [topup, sale]);
    expect(pushed.body.results[1]).toMatchObject({ status: 'held', reason: 'insufficient_funds' });
    const open = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
    const held = open.body.conflicts.find((c: { opId: string }) => c.opId === sale.envelope.id);

    const voided = await till.voidOf(sale);
    // The admin gets the wallet first; the till's push read the sale while it was still held.
    const [accepted, voidResult] = await queuedOnWallet<unknown>(tag, [
      async () =>
        (
          await server.json('POST', `/api/admin/conflicts/${held.id}/resolve`, server.rootToken, {
            resolution: 'accept',
          })
        ).status,
      async () => (await till.push(server.send, [voided])).body.results[0],
    ]);
    expect(accepted).toBe(200);
    expect(voidResult).toMatchObject({ status: 'applied', balanceNc: 1000 });
    expect(await balance(tag)).toBe(1000);
  });

  test.each([
    ['unblocked when the push read it', false, 'd0d0d0d0e3', 'd0d0d0d0e4'],
    // Reported lost at the bar: blocked at once, the new band handed out a minute later.
    ['blocked first, then replaced', true, 'd0d0d0d0e5', 'd0d0d0d0e6'],
  ] as const)(
    'a band replaced while a void of its sale waits (%s): the refund reaches the new one',
    async (_name, blockFirst, lost, fresh) => {
      const venueId = await server.createVenue();
      const till = await server.enrollTill(venueId);
      const topup = await till.topup(lost, 5000);
      const sale = await till.sale(lost, 1500);
      await till.push(server.send, [topup, sale]);
      if (blockFirst) expect((await block(lost)).status).toBe(200);
      const voided = await till.voidOf(sale);
      // The push read the wallet before the replacement committed, and locks it after.
      const [replaced, voidResult] = await queuedOnWallet<unknown>(lost, [
        replacing(lost, fresh),
        async () => (await till.push(server.send, [voided])).body.results[0],
      ]);
      expect(replaced).toBe(200);
      expect(voidResult).toMatchObject({ status: 'applied', balanceNc: null });
      expect(await balance(fresh)).toBe(5000);
      expect(await balance(lost)).toBe(0);
    },
  );

  test('an admin accepts a held sale of a blocked band while it is replaced: the new band pays', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const [lost, fresh] = ['d0d0d0d0e7', 'd0d0d0d0e8'];
    await till.push(server.send, [await till.topup(lost, 5000)]);
    expect((await block(lost)).status).toBe(200);
    const sale = await till.sale(lost, 1500);
    const pushed = await till.push(server.send, [sale]);
    expect(pushed.body.results[0]).toMatchObject({ status: 'held', reason: 'blocked_tag' });
    const open = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
    const held = open.body.conflicts.find((c: { opId: string }) => c.opId === sale.envelope.id);

    const [replaced, accepted] = await queuedOnWallet<unknown>(lost, [
      replacing(lost, fresh),
      async () =>
        (
          await server.json('POST', `/api/admin/conflicts/${held.id}/resolve`, server.rootToken, {
            resolution: 'accept',
          })
        ).status,
    ]);
    expect([replaced, accepted]).toEqual([200, 200]);
    expect(await balance(fresh)).toBe(3500);
    expect(await balance(lost)).toBe(0);
  });
});
