import { claimCode } from '@niteos/ledger-core';
import { walletMoves } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { recoverWalletMoves } from '../admin/wallet-moves.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
let venueId: string;
let slug: string;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
  admin = server.rootToken;
  const list = await server.json('GET', '/api/public/venues');
  slug = list.body.venues.find((v: { id: string }) => v.id === venueId).slug;
});
afterAll(() => server.dispose());

describeDb('public venue info, feed and market', () => {
  test('venues are listed by city without their offline policy', async () => {
    const other = await server.json('POST', '/api/admin/venues', admin, {
      name: 'Aare Bar',
      slug: 'aare-bar',
      city: 'Bern',
    });
    expect(other.status).toBe(201);
    const bern = await server.json('GET', '/api/public/venues?city=bern');
    expect(bern.status).toBe(200);
    expect(bern.body.venues).toEqual([
      { id: other.body.id, name: 'Aare Bar', slug: 'aare-bar', city: 'Bern', radioUrl: null },
    ]);
    const all = await server.json('GET', '/api/public/venues');
    expect(all.body.venues.map((v: { slug: string }) => v.slug)).toEqual(
      expect.arrayContaining(['aare-bar', slug]),
    );
    expect(all.body.venues[0]).not.toHaveProperty('offlineCapNc');
    expect((await server.json('GET', '/api/public/venues?city=')).status).toBe(400);
    // A city as long as a venue may have is found; one longer no venue has is 400.
    const longCity = `Bern ${'x'.repeat(115)}`;
    const far = await server.json('POST', '/api/admin/venues', admin, {
      name: 'Far Bar',
      slug: 'far-bar',
      city: longCity,
    });
    expect(far.status).toBe(201);
    const found = await server.json(
      'GET',
      `/api/public/venues?city=${encodeURIComponent(longCity)}`,
    );
    expect(found.body.venues.map((v: { slug: string }) => v.slug)).toEqual(['far-bar']);
    expect((await server.json('GET', `/api/public/venues?city=${'x'.repeat(121)}`)).status).toBe(
      400,
    );
  });

  test('the feed is newest first and the market shows both prices and availability', async () => {
    for (const title of ['Doors at 22:00', 'Closing party']) {
      const res = await server.json('POST', `/api/admin/venues/${venueId}/feed`, admin, {
        title,
        imageUrl: title === 'Closing party' ? 'https://img.example/party.jpg' : null,
      });
      expect(res.status).toBe(201);
    }
    const feed = await server.json('GET', `/api/public/venues/${slug}/feed`);
    expect(feed.status).toBe(200);
    expect(feed.body.venue.slug).toBe(slug);
    expect(feed.body.posts.map((p: { title: string }) => p.title)).toEqual([
      'Closing party',
      'Doors at 22:00',
    ]);
    expect(feed.body.posts[0].imageUrl).toBe('https://img.example/party.jpg');

    const beer = await server.json('POST', `/api/admin/venues/${venueId}/market-items`, admin, {
      name: 'Lager',
      category: 'Beer',
      priceNc: 700,
      priceChf: 750,
    });
    await server.json('PATCH', `/api/admin/market-items/${beer.body.itemId}`, admin, {
      available: false,
    });
    const market = await server.json('GET', `/api/public/venues/${slug}/market`);
    expect(market.status).toBe(200);
    expect(market.body.items).toContainEqual({
      id: beer.body.itemId,
      name: 'Lager',
      category: 'Beer',
      priceNc: 700,
      priceChf: 750,
      available: false,
    });
  });

  test('an item taken off the menu is gone for guests and admins, and tills are told to hide it', async () => {
    const till = await server.enrollTill(venueId);
    const first = await server.json('GET', '/api/sync/pull', till.deviceToken);
    const item = await server.json('POST', `/api/admin/venues/${venueId}/market-items`, admin, {
      name: 'Last summer spritz',
      category: 'Cocktails',
      priceNc: 1200,
      priceChf: 1200,
    });
    const itemId: string = item.body.itemId;
    const removed = await server.json('DELETE', `/api/admin/market-items/${itemId}`, admin);
    expect(removed.status).toBe(204);
    // A second click, a retry: the same.
    expect((await server.json('DELETE', `/api/admin/market-items/${itemId}`, admin)).status).toBe(
      204,
    );

    const market = await server.json('GET', `/api/public/venues/${slug}/market`);
    expect(market.body.items.map((i: { id: string }) => i.id)).not.toContain(itemId);
    const listed = await server.json('GET', `/api/admin/venues/${venueId}/market-items`, admin);
    expect(listed.body.items.map((i: { itemId: string }) => i.itemId)).not.toContain(itemId);
    const patched = await server.json('PATCH', `/api/admin/market-items/${itemId}`, admin, {
      available: true,
    });
    expect(patched.status).toBe(404);
    for (const pull of [
      await server.json('GET', `/api/sync/pull?cursor=${first.body.cursor}`, till.deviceToken),
      await server.json('GET', '/api/sync/pull', till.deviceToken),
    ]) {
      expect(pull.body.catalog).toContainEqual(
        expect.objectContaining({ itemId, available: false }),
      );
    }
    const audit = await server.json('GET', `/api/admin/audit?venueId=${venueId}`, admin);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({ action: 'market.remove', target: itemId }),
    );
  });

  test('unknown venues are 404 and malformed slugs 400', async () => {
    expect((await server.json('GET', '/api/public/venues/no-such-venue/feed')).status).toBe(404);
    const bad = await server.json('GET', '/api/public/venues/bad%20slug!/market');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBeTypeOf('string');
  });
});

describeDb('a guest reads the activity of their own wallets only', () => {
  test('sales, top-ups and voids with venue and time; another guest gets 404', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'ac71f17e01';
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 1200);
    await till.push(server.send, [topup, sale]);
    const voided = await till.voidOf(sale);
    await till.push(server.send, [voided, await till.sale(tag, 900, 'cash')]);

    const owner = await server.json('POST', '/api/auth/register', null, {
      email: 'owner@niteos.test',
      password: 'guest-password',
    });
    const token = owner.body.accessToken;
    const claim = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag,
      code: claimCode(topup.sig),
    });
    expect(claim.status).toBe(200);

    const activity = await server.json('GET', `/api/me/wallets/${tag}/activity`, token);
    expect(activity.status).toBe(200);
    const entries = activity.body.entries as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(4);
    expect(entries.map((e) => [e.kind, e.tender, e.deltaNc])).toEqual(
      expect.arrayContaining([
        ['topup', 'cash', 5000],
        ['sale', 'nc', -1200],
        ['void', 'nc', 1200],
        ['sale', 'cash', 0],
      ]),
    );
    for (const e of entries) {
      expect(e.venueName).toBe(slug);
      expect(Number.isNaN(Date.parse(String(e.at)))).toBe(false);
    }
    const times = entries.map((e) => Date.parse(String(e.at)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const stranger = await server.json('POST', '/api/auth/register', null, {
      email: 'stranger@niteos.test',
      password: 'guest-password',
    });
    const peek = await server.json(
      'GET',
      `/api/me/wallets/${tag}/activity`,
      stranger.body.accessToken,
    );
    expect(peek.status).toBe(404);
    expect(
      (await server.json('GET', `/api/wallets/${tag}`, stranger.body.accessToken)).status,
    ).toBe(404);
    expect((await server.json('GET', `/api/me/wallets/${tag}/activity`)).status).toBe(401);
  });
});

describeDb('a guest sees offline sales at the time they were sold', () => {
  test('ops synced together are dated and ordered by till time, kept within the two days before they arrived', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'ac71f17e02';
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const topup = await till.sign({
      op: 'topup',
      nitetapId: tag,
      tender: 'cash',
      amountNc: 5000,
      amountChf: 5000,
      at: hoursAgo(3),
    });
    const sale = (amountNc: number, at: string) =>
      till.sign({
        op: 'sale',
        nitetapId: tag,
        tender: 'nc',
        amountNc,
        amountChf: 0,
        lines: [{ itemId: 'beer', qty: 1, unitNc: amountNc, unitChf: amountNc }],
        basis: { balanceNc: 5000, asOf: at, pendingNc: 0 },
        at,
      });
    // The last two from a till whose clock went wrong: a day ahead, then ten days back.
    const ops = [
      topup,
      await sale(100, hoursAgo(2)),
      await sale(200, hoursAgo(1)),
      await sale(300, hoursAgo(-24)),
      await sale(400, hoursAgo(240)),
    ];
    const pushed = await till.push(server.send, ops);
    expect(pushed.body.results.map((r) => r.status)).toEqual(Array(5).fill('applied'));
    const owner = await server.json('POST', '/api/auth/register', null, {
      email: 'offline@niteos.test',
      password: 'guest-password',
    });
    const token = owner.body.accessToken;
    await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag,
      code: claimCode(topup.sig),
    });
    const { body } = await server.json('GET', `/api/me/wallets/${tag}/activity`, token);
    const entries = body.entries as { deltaNc: number; at: string }[];
    expect(entries.map((e) => e.deltaNc)).toEqual([-300, -200, -100, 5000, -400]);
    const receivedAt = Date.parse(entries[0]?.at ?? '');
    expect(Math.abs(receivedAt - Date.now())).toBeLessThan(60_000);
    expect(entries.slice(1, 4).map((e) => e.at)).toEqual(
      [ops[2]?.envelope.at, ops[1]?.envelope.at, ops[0]?.envelope.at].map((at) =>
        new Date(at ?? '').toISOString(),
      ),
    );
    expect(receivedAt - Date.parse(entries[4]?.at ?? '')).toBe(2 * 86_400_000);
  });
});

describeDb("a replaced wristband in its guest's activity", () => {
  const oldTag = 'ab1e0000aa';
  const newTag = 'ab1e0000bb';
  let token: string;

  beforeAll(async () => {
    const till = await server.enrollTill(venueId);
    const topup = await till.topup(oldTag, 5000);
    await till.push(server.send, [topup, await till.sale(oldTag, 1500)]);
    const guest = await server.json('POST', '/api/auth/register', null, {
      email: 'lost-band@niteos.test',
      password: 'guest-password',
    });
    token = guest.body.accessToken;
    const claim = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: oldTag,
      code: claimCode(topup.sig),
    });
    expect(claim.status).toBe(200);
    const replaced = await server.json('POST', `/api/admin/wallets/${oldTag}/replace`, admin, {
      newNitetapId: newTag,
    });
    expect(replaced.status).toBe(200);
  });

  const activity = async (tag: string) => {
    const res = await server.json('GET', `/api/me/wallets/${tag}/activity`, token);
    expect(res.status).toBe(200);
    return res.body.entries as Array<Record<string, unknown>>;
  };

  test('the new tag shows where its balance came from; the old one, where it went', async () => {
    const incoming = await activity(newTag);
    expect(incoming).toEqual([
      expect.objectContaining({
        kind: 'moved_in',
        otherNitetapId: oldTag,
        deltaNc: 3500,
        standing: 'applied',
        venueName: slug,
      }),
    ]);
    const mine = await server.json('GET', '/api/me/wallets', token);
    const wallet = mine.body.wallets.find((w: { nitetapId: string }) => w.nitetapId === newTag);
    expect(wallet.balanceNc).toBe(3500);

    const outgoing = await activity(oldTag);
    expect(outgoing).toHaveLength(3);
    expect(outgoing[0]).toMatchObject({
      kind: 'moved_out',
      otherNitetapId: newTag,
      deltaNc: -3500,
    });
    expect(outgoing.slice(1).map((e) => [e.kind, e.deltaNc])).toEqual(
      expect.arrayContaining([
        ['sale', -1500],
        ['topup', 5000],
      ]),
    );
    // Every line of the old tag's activity adds up to its balance now: nothing unexplained.
    expect(outgoing.reduce((sum, e) => sum + Number(e.deltaNc), 0)).toBe(0);
  });

  test('a replacement that wrote no move, as a process of the previous release makes, is recovered from its audit row', async () => {
    const db = server.database.db;
    const moves = () => db.select().from(walletMoves).where(eq(walletMoves.fromTag, oldTag));
    // A move the replacement recorded itself is not recorded twice.
    await recoverWalletMoves(db);
    expect(await moves()).toHaveLength(1);

    await db.delete(walletMoves).where(eq(walletMoves.fromTag, oldTag));
    expect(await activity(newTag)).toEqual([]);
    await recoverWalletMoves(db);
    await recoverWalletMoves(db);
    const recovered = await moves();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ toTag: newTag, venueId, movedNc: 3500, movedXp: 15 });
    expect(recovered[0]?.id).toMatch(/^audit:\d+$/);
    expect(await activity(newTag)).toEqual([
      expect.objectContaining({ kind: 'moved_in', otherNitetapId: oldTag, deltaNc: 3500 }),
    ]);
  });
});
