import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStore } from '../kv/memory-store.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
let venueId: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ deps: { kv: createMemoryStore() } });
  venueId = await server.createVenue();
  admin = (await server.userToken(Role.venueAdmin, venueId)).token;
});
afterAll(() => server.disposeBalanced());

describeDb("tonight's counters", () => {
  /** Tonight's figures of a venue: counted after each reply, so polled. */
  const liveOf = (venue: string, token: string) =>
    expect.poll(
      async () => (await server.json('GET', `/api/admin/venues/${venue}/live`, token)).body,
    );
  const ncSales = () => liveOf(venueId, admin);

  test('a held sale counts only once it stands, and only a counted sale is taken back by its void', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'c0c0a7e500000001';
    await till.push(server.send, [await till.topup(tag.toUpperCase(), 1000)]);
    const held = await till.sale(tag, 1500);
    const first = await till.push(server.send, [held]);
    expect(first.body.results[0]).toMatchObject({ status: 'held', reason: 'insufficient_funds' });
    await ncSales().toMatchObject({ guests: 1, sales: { nc: { count: 0, amountNc: 0 } } });

    // Voided at the till while held: it never counted, so nothing comes off. A
    // cash sale after it shows once the void has been counted too.
    const voided = await till.push(server.send, [await till.voidOf(held)]);
    expect(voided.body.results[0]).toMatchObject({ status: 'applied' });
    await till.push(server.send, [await till.sale(null, 400, 'cash')]);
    await ncSales().toMatchObject({
      sales: { nc: { count: 0, amountNc: 0 }, cash: { count: 1, amountChf: 400 } },
    });

    // Accepted by an admin: it stands now, and counts.
    const accepted = await till.sale(tag, 1200);
    await till.push(server.send, [accepted]);
    const open = await server.json('GET', '/api/admin/conflicts?status=open', admin);
    const conflict = open.body.conflicts.find(
      (c: { opId: string }) => c.opId === accepted.envelope.id,
    );
    const resolved = await server.json(
      'POST',
      `/api/admin/conflicts/${conflict.id}/resolve`,
      admin,
      { resolution: 'accept', note: 'paid in cash at the bar' },
    );
    expect(resolved.status).toBe(200);
    await ncSales().toMatchObject({ sales: { nc: { count: 1, amountNc: 1200 } } });
    // The same resolution sent again changes nothing.
    await server.json('POST', `/api/admin/conflicts/${conflict.id}/resolve`, admin, {
      resolution: 'accept',
      note: 'paid in cash at the bar',
    });
    await till.push(server.send, [await till.voidOf(accepted)]);
    await ncSales().toMatchObject({ guests: 1, sales: { nc: { count: 0, amountNc: 0 } } });
  });

  test('one guest is one guest, however a till spells the tag', async () => {
    const venue = await server.createVenue();
    const venueAdmin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const tag = 'c0c0a7e5000000aa';
    await till.push(server.send, [await till.topup(tag, 1000)]);
    await till.push(server.send, [await till.sale(tag.toUpperCase(), 100)]);
    await till.push(server.send, [await till.sale(tag, 100)]);
    await liveOf(venue, venueAdmin).toMatchObject({
      guests: 1,
      sales: { nc: { count: 2, amountNc: 200 } },
    });
  });

  test("a held sale from an earlier night, accepted now, stays out of tonight's figures", async () => {
    // A venue of its own: its figures are this test's alone.
    const venue = await server.createVenue();
    const venueAdmin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const tag = 'c0c0a7e500000002';
    await till.push(server.send, [await till.topup(tag, 100)]);
    const lastWeek = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const old = await till.sign({
      op: 'sale',
      nitetapId: tag,
      amountNc: 900,
      lines: [{ itemId: 'beer', qty: 1, unitNc: 900, unitChf: 900 }],
      at: lastWeek,
    });
    expect((await till.push(server.send, [old])).body.results[0]).toMatchObject({
      status: 'held',
    });
    const open = await server.json('GET', '/api/admin/conflicts?status=open', venueAdmin);
    const conflict = open.body.conflicts.find((c: { opId: string }) => c.opId === old.envelope.id);
    await server.json('POST', `/api/admin/conflicts/${conflict.id}/resolve`, venueAdmin, {
      resolution: 'accept',
      note: 'found the receipt',
    });
    // A cash sale after it shows once the resolution has been counted too.
    await till.push(server.send, [await till.sale(null, 300, 'cash')]);
    await liveOf(venue, venueAdmin).toMatchObject({
      sales: { nc: { count: 0, amountNc: 0 }, cash: { count: 1, amountChf: 300 } },
    });
  });

  test("a till that syncs after its night ended leaves that night's sales and guests out of tonight's", async () => {
    const venue = await server.createVenue();
    const manager = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const live = () => liveOf(venue, manager);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const tag = 'c0c0a7e500000003';
    const late = [
      await till.sign({
        op: 'topup',
        nitetapId: tag,
        tender: 'cash',
        amountNc: 2000,
        amountChf: 2000,
        at: yesterday,
      }),
      await till.sign({
        op: 'sale',
        nitetapId: tag,
        amountNc: 900,
        lines: [{ itemId: 'beer', qty: 1, unitNc: 900, unitChf: 900 }],
        at: yesterday,
      }),
    ];
    const pushed = await till.push(server.send, late);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    // Tonight's first sale: counted, and the counters show only it.
    await till.push(server.send, [await till.sale(null, 400, 'card')]);
    await live().toMatchObject({
      guests: 0,
      sales: { nc: { count: 0, amountNc: 0 }, card: { count: 1, amountChf: 400 } },
    });
  });
});
