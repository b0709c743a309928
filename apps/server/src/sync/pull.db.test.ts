import { randomUUID } from 'node:crypto';
import { marketItems, wallets, walletVenues } from '@niteos/schema/tables';
import { businessDay } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { pull } from './pull-service.ts';

let server: TestServer;
let venueId: string;

beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
});
afterAll(() => server.disposeBalanced());

describeDb('pull', () => {
  test('sends catalog, wallets seen at the venue, blocked tags and policy; then only changes', async () => {
    const till = await server.enrollTill(venueId);
    await server.database.db.insert(marketItems).values({
      id: randomUUID(),
      venueId,
      name: 'Spritz',
      category: 'Cocktails',
      priceNc: 1200,
      priceChf: 1200,
    });
    const tag = 'beef000001';
    await till.push(server.send, [await till.topup(tag, 900)]);
    const pull = (cursor?: string) =>
      server.json(
        'GET',
        `/api/sync/pull${cursor === undefined ? '' : `?cursor=${cursor}`}`,
        till.deviceToken,
      );
    const first = await pull();
    expect(first.status).toBe(200);
    expect(first.body.catalog).toEqual([
      expect.objectContaining({ name: 'Spritz', priceNc: 1200, priceChf: 1200, available: true }),
    ]);
    expect(first.body.wallets).toContainEqual(
      expect.objectContaining({ nitetapId: tag, balanceNc: 900, level: 1 }),
    );
    expect(first.body.policy).toEqual({
      offlineCapNc: 10_000,
      unknownWalletCapNc: 3_000,
      overdraftLimitNc: 0,
    });
    expect(first.body.cursor).toEqual(expect.any(String));

    // A cursor from the far future (same format) sees no changes.
    const future = Buffer.from(
      JSON.stringify({ v: 1, since: '2999-01-01T00:00:00.000Z' }),
    ).toString('base64url');
    const later = await pull(future);
    expect(later.body.catalog).toEqual([]);
    expect(later.body.wallets).toEqual([]);

    await server.database.db
      .update(wallets)
      .set({ status: 'blocked' })
      .where(eq(wallets.nitetapId, tag));
    expect((await pull(future)).body.blockedTags).toContain(tag);
  });

  test("tells the till which of its seqs the server holds: up to the last, less each gap's range", async () => {
    const till = await server.enrollTill(venueId);
    const chain = async () =>
      (await server.json('GET', '/api/sync/pull', till.deviceToken)).body.chain;
    expect(await chain()).toEqual({ lastSeq: 0, missing: [] });
    const ops: unknown[] = [];
    for (let seq = 1; seq <= 8; seq++) ops.push(await till.topup('beef000003', 100));
    const pushSeqs = async (...seqs: number[]) => {
      const res = await till.push(
        server.send,
        seqs.map((seq) => ops[seq - 1]),
      );
      expect(res.status).toBe(200);
    };
    await pushSeqs(1, 2, 3, 6, 8);
    expect(await chain()).toEqual({
      lastSeq: 8,
      missing: [
        { after: 3, before: 6 },
        { after: 6, before: 8 },
      ],
    });
    await pushSeqs(5);
    expect(await chain()).toEqual({
      lastSeq: 8,
      missing: [
        { after: 3, before: 5 },
        { after: 6, before: 8 },
      ],
    });
    await pushSeqs(4, 7);
    expect(await chain()).toEqual({ lastSeq: 8, missing: [] });
  });

  test('with more than 100 gaps, the pull reports the newest 100', async () => {
    const till = await server.enrollTill(venueId);
    const ops: unknown[] = [];
    for (let seq = 1; seq <= 204; seq++) ops.push(await till.topup('beef000004', 100));
    const res = await till.push(
      server.send,
      ops.filter((_, i) => i % 2 === 1),
    );
    expect(res.status).toBe(200);
    const { chain } = (await server.json('GET', '/api/sync/pull', till.deviceToken)).body;
    expect(chain.lastSeq).toBe(204);
    expect(chain.missing).toHaveLength(100);
    expect(chain.missing[0]).toEqual({ after: 4, before: 6 });
    expect(chain.missing.at(-1)).toEqual({ after: 202, before: 204 });
  });

  test('a wallet first seen at this venue comes with the next pull, even if its row did not change', async () => {
    const tag = 'beef000002';
    const elsewhere = await server.enrollTill(await server.createVenue());
    await elsewhere.push(server.send, [await elsewhere.topup(tag, 700)]);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await server.database.db
      .update(wallets)
      .set({ updatedAt: hourAgo })
      .where(eq(wallets.nitetapId, tag));
    const here = await server.enrollTill(venueId);
    const tenMinutesAgo = Buffer.from(
      JSON.stringify({ v: 1, since: new Date(Date.now() - 600_000).toISOString() }),
    ).toString('base64url');
    await here.push(server.send, [await here.sale(tag, 300, 'card')]);
    const res = await server.json(
      'GET',
      `/api/sync/pull?cursor=${tenMinutesAgo}`,
      here.deviceToken,
    );
    expect(res.body.wallets).toContainEqual(
      expect.objectContaining({ nitetapId: tag, balanceNc: 700 }),
    );
  });

  test('a wallet not seen at the venue for over 14 days is no longer sent', async () => {
    const till = await server.enrollTill(venueId);
    const [stale, fresh] = ['beef000003', 'beef000004'];
    await till.push(server.send, [await till.topup(stale, 100), await till.topup(fresh, 100)]);
    await server.database.db
      .update(walletVenues)
      .set({ lastSeenAt: new Date(Date.now() - 15 * 86_400_000) })
      .where(eq(walletVenues.nitetapId, stale));
    const res = await server.json('GET', '/api/sync/pull', till.deviceToken);
    const sent = res.body.wallets.map((w: { nitetapId: string }) => w.nitetapId);
    expect(sent).toContain(fresh);
    expect(sent).not.toContain(stale);
  });

  test('every wallet of the window is sent again once a day, changed or not', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'beef000005';
    await till.push(server.send, [await till.topup(tag, 400)]);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await server.database.db
      .update(wallets)
      .set({ updatedAt: twoDaysAgo })
      .where(eq(wallets.nitetapId, tag));
    await server.database.db
      .update(walletVenues)
      .set({ lastSeenAt: twoDaysAgo })
      .where(eq(walletVenues.nitetapId, tag));
    const since = (at: Date) =>
      Buffer.from(JSON.stringify({ v: 1, since: at.toISOString() })).toString('base64url');
    const pulled = async (at: Date) =>
      (await server.json('GET', `/api/sync/pull?cursor=${since(at)}`, till.deviceToken)).body
        .wallets as { nitetapId: string; balanceNc: number }[];
    // A till that last pulled before this business day began gets it again...
    const dayStart = Date.parse(`${businessDay(new Date())}T06:00:00Z`);
    expect(await pulled(new Date(dayStart - 60_000))).toContainEqual(
      expect.objectContaining({ nitetapId: tag, balanceNc: 400 }),
    );
    // ...and one that pulled since does not: nothing changed.
    const lastPull = new Date(Math.max(Date.now() - 1_000, dayStart + 60_000));
    expect((await pulled(lastPull)).map((w) => w.nitetapId)).not.toContain(tag);
  });

  test('wallet snapshots beyond one page come page by page, each exactly once', async () => {
    const venue = await server.createVenue();
    const till = await server.enrollTill(venue);
    const tags = Array.from({ length: 5 }, (_, i) => `beef10000${i}`);
    const topups = [];
    for (const t of tags) topups.push(await till.topup(t, 100));
    await till.push(server.send, topups);
    const authed = { id: till.tillId, venueId: venue, publicKey: till.keys.publicKey };
    const seen: string[] = [];
    const more: boolean[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const reply = await pull(server.database.db, authed, cursor, 2);
      seen.push(...reply.wallets.map((w) => w.nitetapId));
      more.push(reply.more);
      cursor = reply.cursor;
      if (!reply.more) break;
    }
    expect(more).toEqual([true, true, false]);
    expect(seen.sort()).toEqual(tags);
    // A page cursor whose time is not one PostgreSQL wrote is refused, not cast.
    const forged = Buffer.from(
      JSON.stringify({ v: 1, since: null, after: { at: '1', tag: 'beef100000' } }),
    ).toString('base64url');
    const res = await server.json('GET', `/api/sync/pull?cursor=${forged}`, till.deviceToken);
    expect(res.status).toBe(400);
  });

  test('a cursor the server did not issue is 400; no device token is 401', async () => {
    const till = await server.enrollTill(venueId);
    expect(
      (await server.json('GET', '/api/sync/pull?cursor=garbage', till.deviceToken)).status,
    ).toBe(400);
    // Well-formed JSON whose times or tag PostgreSQL would refuse: 400, never a failed query.
    const page = (at: string, tag = 'beef100000') => ({ v: 1, since: null, after: { at, tag } });
    for (const cursor of [
      { v: 1, since: '0000-01-01T00:00:00Z', after: null },
      page('2024-13-01 00:00:00+00'),
      page('2024-01-01 99:00:00+00'),
      page('2023-02-29 00:00:00+00'),
      page('2024-01-01 00:00:00+05:99'),
      page('2024-01-01 00:00:00+00', 'not\u0000a tag'),
    ]) {
      const encoded = Buffer.from(JSON.stringify(cursor)).toString('base64url');
      const res = await server.json('GET', `/api/sync/pull?cursor=${encoded}`, till.deviceToken);
      expect(res.status, JSON.stringify(cursor)).toBe(400);
    }
    // The same shapes with times PostgreSQL wrote are accepted.
    const leap = Buffer.from(JSON.stringify(page('2024-02-29 23:59:59.5+05:30'))).toString(
      'base64url',
    );
    expect(
      (await server.json('GET', `/api/sync/pull?cursor=${leap}`, till.deviceToken)).status,
    ).toBe(200);
    expect((await server.json('GET', '/api/sync/pull', null)).status).toBe(401);
  });
});
