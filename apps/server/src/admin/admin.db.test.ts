import { randomUUID } from 'node:crypto';
import { wallets } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../app.ts';
import { createMemoryStore } from '../kv/memory-store.ts';
import { silentLogger } from '../logger.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let venueA: string;
let venueB: string;
let adminA: string;
let adminB: string;
let staffA: string;
let guest: string;
let tillA: TestTill;
const fixtures: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  venueA = await server.createVenue();
  venueB = await server.createVenue();
  adminA = (await server.userToken(Role.venueAdmin, venueA)).token;
  adminB = (await server.userToken(Role.venueAdmin, venueB)).token;
  const staff = await server.userToken(Role.staff, venueA);
  staffA = staff.token;
  guest = (await server.userToken(Role.guest, null)).token;
  tillA = await server.enrollTill(venueA);

  // One thing of each kind in venue A, for every path parameter of the admin API.
  const tag = 'abcdef0123';
  await tillA.push(server.send, [await tillA.topup(tag, 500)]);
  const { body } = await tillA.push(server.send, [await tillA.sale(tag, 900)]);
  expect(body.results[0]?.status).toBe('held');
  const conflicts = await server.json('GET', '/api/admin/conflicts', adminA);
  const item = await server.json('POST', `/api/admin/venues/${venueA}/market-items`, adminA, {
    name: 'Fixture beer',
    category: 'Beer',
    priceNc: 700,
    priceChf: 700,
  });
  const post = await server.json('POST', `/api/admin/venues/${venueA}/feed`, adminA, {
    title: 'Opening',
  });
  Object.assign(fixtures, {
    venueId: venueA,
    tillId: tillA.tillId,
    conflictId: conflicts.body.conflicts[0].id,
    itemId: item.body.itemId,
    userId: staff.userId,
    postId: post.body.id,
    nitetapId: tag,
  });
});
afterAll(() => server.disposeBalanced());

/** Every admin route, read from the app itself: a new route is in the matrix the day it is added. */
function adminRoutes(): { method: string; path: string }[] {
  const app = createApp({
    database: server.database,
    kv: createMemoryStore(),
    jwtSecret: 'x'.repeat(32),
    log: silentLogger,
    version: 'test',
    startedAt: new Date(),
  });
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.path.startsWith('/api/admin') && r.method !== 'ALL')
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      return !seen.has(key) && seen.add(key);
    })
    .map((r) => ({ method: r.method, path: r.path }));
}

function fill(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = fixtures[name];
    if (!value)
      throw new Error(
        `no fixture for :${name} in ${path}: add one so the route cannot escape the matrix`,
      );
    return value;
  });
}

describeDb('admin routes: the 401/403 matrix, generated from the route table', () => {
  test('the route table lists the admin API', () => {
    const paths = adminRoutes().map((r) => `${r.method} ${r.path}`);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    expect(paths).toContain('POST /api/admin/conflicts/:conflictId/resolve');
  });

  test('every admin route: no token 401, guest 403, staff 403, another venue 403/404', async () => {
    const failures: string[] = [];
    for (const route of adminRoutes()) {
      const url = fill(route.path);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const expectStatus = async (who: string, token: string | null, allowed: number[]) => {
        const res = await server.json(route.method, url, token, body);
        if (!allowed.includes(res.status))
          failures.push(`${route.method} ${route.path} as ${who}: ${res.status}`);
      };
      await expectStatus('nobody', null, [401]);
      await expectStatus('guest', guest, [403]);
      await expectStatus('staff', staffA, [403]);
      if (route.path.includes(':'))
        await expectStatus('admin of another venue', adminB, [403, 404]);
    }
    expect(failures).toEqual([]);
  });

  test('every route of one venue: a venue that does not exist is 404 for a Nitecore admin', async () => {
    const failures: string[] = [];
    for (const route of adminRoutes().filter((r) => r.path.includes(':venueId'))) {
      const url = fill(route.path).replace(fixtures.venueId as string, randomUUID());
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const res = await server.json(route.method, url, server.rootToken, body);
      if (res.status !== 404) failures.push(`${route.method} ${route.path}: ${res.status}`);
    }
    const list = await server.json(
      'GET',
      `/api/admin/conflicts?venueId=${randomUUID()}`,
      server.rootToken,
    );
    if (list.status !== 404) failures.push(`GET /api/admin/conflicts?venueId=: ${list.status}`);
    expect(failures).toEqual([]);
  });

  test('Nitecore-only routes refuse venue admins', async () => {
    expect((await server.json('GET', '/api/admin/audit', adminA)).status).toBe(403);
    expect(
      (await server.json('POST', '/api/admin/venues', adminA, { name: 'x', slug: 'x', city: 'y' }))
        .status,
    ).toBe(403);
  });
});

describeDb('admin: market, staff, settings, tills', () => {
  test('a market item changed by an admin reaches the till on its next pull', async () => {
    const res = await server.json('PATCH', `/api/admin/market-items/${fixtures.itemId}`, adminA, {
      priceNc: 750,
      available: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priceNc: 750, available: false });
    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    expect(pull.body.catalog).toContainEqual(
      expect.objectContaining({ itemId: fixtures.itemId, priceNc: 750, available: false }),
    );
    expect(
      (
        await server.json('PATCH', `/api/admin/market-items/${fixtures.itemId}`, adminA, {
          priceNc: -1,
        })
      ).status,
    ).toBe(400);
  });

  test('staff get a PIN the till can check offline; the hash never leaves the API otherwise', async () => {
    const email = `bar-${randomUUID().slice(0, 6)}@niteos.test`;
    const res = await server.json('POST', `/api/admin/venues/${venueA}/staff`, adminA, {
      email,
      displayName: 'Night barman',
      password: 'long-password-1',
      pin: '4321',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({ email, hasPin: true, role: 'staff' }));
    expect(JSON.stringify(res.body)).not.toContain('scrypt');
    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    expect(pull.body.staff).toContainEqual(
      expect.objectContaining({
        name: 'Night barman',
        pinHash: expect.stringMatching(/^scrypt\$/),
      }),
    );
    const again = await server.json('POST', `/api/admin/venues/${venueA}/staff`, adminA, {
      email,
      displayName: 'Dup',
      password: 'long-password-1',
    });
    expect(again.status).toBe(409);
    const badPin = await server.json('PATCH', `/api/admin/staff/${res.body.userId}`, adminA, {
      pin: '12',
    });
    expect(badPin.status).toBe(400);
  });

  test("a till gets the PINs of its own venue's staff, never another venue's", async () => {
    const staffOf = async (venue: string, admin: string, displayName: string) =>
      server.json('POST', `/api/admin/venues/${venue}/staff`, admin, {
        email: `pin-${randomUUID().slice(0, 8)}@niteos.test`,
        displayName,
        password: 'long-password-1',
        pin: '2468',
      });
    expect((await staffOf(venueA, adminA, 'Barman of A')).status).toBe(201);
    expect((await staffOf(venueB, adminB, 'Barman of B')).status).toBe(201);
    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    const names = pull.body.staff.map((s: { name: string }) => s.name);
    expect(names).toContain('Barman of A');
    expect(names).not.toContain('Barman of B');
  });

  test("an admin's password reset signs that person out everywhere", async () => {
    const venue = await server.createVenue();
    // Another venue admin's password only a Nitecore admin sets (staff-access.db.test.ts).
    const resetter = server.rootToken;
    const other = await server.userToken(Role.venueAdmin, venue);
    const session = (
      await server.json('POST', '/api/auth/login', null, {
        email: other.email,
        password: other.password,
      })
    ).body;
    const patched = await server.json('PATCH', `/api/admin/staff/${other.userId}`, resetter, {
      password: 'a-new-password-1',
    });
    expect(patched.status).toBe(200);
    expect(
      (await server.json('POST', '/api/auth/refresh', null, { refreshToken: session.refreshToken }))
        .status,
    ).toBe(401);
    expect((await server.json('GET', `/api/admin/venues/${venue}/staff`, other.token)).status).toBe(
      401,
    );
    // The new password signs in; the resetter stays signed in.
    expect(
      (
        await server.json('POST', '/api/auth/login', null, {
          email: other.email,
          password: 'a-new-password-1',
        })
      ).status,
    ).toBe(200);
    expect((await server.json('GET', `/api/admin/venues/${venue}/staff`, resetter)).status).toBe(
      200,
    );
  });

  test('venue settings change the policy tills get', async () => {
    const res = await server.json('PATCH', `/api/admin/venues/${venueA}`, adminA, {
      radioUrl: 'https://radio.example/live.m3u8',
      policy: { offlineCapNc: 5000 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      radioUrl: 'https://radio.example/live.m3u8',
      policy: { offlineCapNc: 5000, overdraftLimitNc: 0 },
    });
    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    expect(pull.body.policy.offlineCapNc).toBe(5000);
    expect(
      (await server.json('PATCH', `/api/admin/venues/${venueA}`, adminA, { radioUrl: 'ftp://x' }))
        .status,
    ).toBe(400);
  });

  test('a PATCH changes only the fields it names; an empty one, or one with a NUL, is 400', async () => {
    const created = await server.json('POST', `/api/admin/venues/${venueA}/market-items`, adminA, {
      name: 'Hidden gin',
      category: 'Spirits',
      priceNc: 900,
      priceChf: 900,
      available: false,
      sort: 7,
    });
    const path = `/api/admin/market-items/${created.body.itemId}`;
    const renamed = await server.json('PATCH', path, adminA, { name: 'Hidden gin 4cl' });
    expect(renamed.body).toMatchObject({ name: 'Hidden gin 4cl', available: false, sort: 7 });

    const staff = await server.userToken(Role.staff, venueA);
    const empty = [
      ['PATCH', path, {}],
      ['PATCH', `/api/admin/staff/${staff.userId}`, {}],
      ['PATCH', `/api/admin/venues/${venueA}`, {}],
      ['PATCH', `/api/admin/venues/${venueA}`, { policy: {} }],
    ] as const;
    for (const [method, url, body] of empty) {
      const res = await server.json(method, url, adminA, body);
      expect(res.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.message).toMatch(/nothing to change/);
    }
    // Too big is said in the units the admin typed, not in hundredths.
    const tooBig = [
      [path, { priceNc: 100_000_001 }, 'priceNc: at most 1,000,000.00'],
      [
        `/api/admin/venues/${venueA}`,
        { policy: { offlineCapNc: 100_000_001 } },
        'policy.offlineCapNc: at most 1,000,000.00 NC',
      ],
    ] as const;
    for (const [url, body, message] of tooBig) {
      const res = await server.json('PATCH', url, adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    const nul = await server.json('PATCH', path, adminA, { name: 'Gin\u0000' });
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toMatch(/without NUL/);
    const cleared = await server.json('PATCH', `/api/admin/venues/${venueA}`, adminA, {
      radioUrl: null,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.radioUrl).toBeNull();
  });

  test('the tills list shows last contact, last seq and open seq gaps', async () => {
    const till = await server.enrollTill(venueA);
    await till.topup('aa11bb22cc', 100);
    await till.push(server.send, [await till.topup('aa11bb22cc', 100)]);
    const res = await server.json('GET', `/api/admin/venues/${venueA}/tills`, adminA);
    expect(res.body.tills).toContainEqual(
      expect.objectContaining({
        tillId: till.tillId,
        lastSeq: 2,
        openSeqGaps: 1,
        status: 'active',
        lastSeenAt: expect.any(String),
      }),
    );
  });

  test("an op that arrives late does not take the till's last seq back", async () => {
    const till = await server.enrollTill(venueA);
    await till.topup('aa11bb22cd', 100);
    const late = await till.topup('aa11bb22cd', 100);
    await till.push(server.send, [await till.topup('aa11bb22cd', 100)]);
    await till.push(server.send, [late]);
    const res = await server.json('GET', `/api/admin/venues/${venueA}/tills`, adminA);
    expect(res.body.tills).toContainEqual(
      expect.objectContaining({ tillId: till.tillId, lastSeq: 3, openSeqGaps: 1 }),
    );
  });
});

describeDb('admin: lost wristbands', () => {
  test('replacing a wristband moves its balance and XP atomically; tills refuse the old tag', async () => {
    const oldTag = 'facade0001';
    const newTag = 'facade0002';
    await tillA.push(server.send, [await tillA.topup(oldTag, 5000)]);
    await tillA.push(server.send, [await tillA.sale(oldTag, 1500)]);
    const res = await server.json('POST', `/api/admin/wallets/${oldTag}/replace`, adminA, {
      newNitetapId: newTag.toUpperCase(),
      note: 'lost at the bar',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: oldTag,
      to: newTag,
      movedNc: 3500,
      movedXp: 15,
      balanceNc: 3500,
      xp: 15,
    });
    const old = await server.json('GET', `/api/wallets/${oldTag}`, adminA);
    expect(old.body).toMatchObject({ balanceNc: 0, status: 'blocked' });
    expect((await server.json('GET', `/api/wallets/${newTag}`, adminA)).body).toMatchObject({
      balanceNc: 3500,
      status: 'active',
    });

    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    expect(pull.body.blockedTags).toContain(oldTag);
    const { body } = await tillA.push(server.send, [await tillA.sale(oldTag, 100)]);
    expect(body.results[0]).toMatchObject({ status: 'held', reason: 'blocked_tag' });
    expect(
      (
        await server.json('POST', `/api/admin/wallets/${oldTag}/replace`, adminB, {
          newNitetapId: 'facade0003',
        })
      ).status,
    ).toBe(404);
  });
  test('a wristband is never replaced into a blocked tag', async () => {
    const mine = 'facade00c1';
    const blocked = 'facade00c2';
    await tillA.push(server.send, [await tillA.topup(mine, 400), await tillA.topup(blocked, 100)]);
    expect((await server.json('POST', `/api/admin/wallets/${blocked}/block`, adminA)).status).toBe(
      200,
    );
    const res = await server.json('POST', `/api/admin/wallets/${mine}/replace`, adminA, {
      newNitetapId: blocked,
    });
    expect(res.status).toBe(409);
    expect((await server.json('GET', `/api/wallets/${mine}`, adminA)).body).toMatchObject({
      balanceNc: 400,
      status: 'active',
    });
    expect((await server.json('GET', `/api/wallets/${blocked}`, adminA)).body).toMatchObject({
      balanceNc: 100,
      status: 'blocked',
    });
  });

  test('a wristband blocked by mistake is unblocked, unless it was replaced or other venues use it', async () => {
    const found = 'facade00e1';
    await tillA.push(server.send, [await tillA.topup(found, 500)]);
    const unblock = (tag: string, token: string) =>
      server.json('POST', `/api/admin/wallets/${tag}/unblock`, token);
    expect((await server.json('POST', `/api/admin/wallets/${found}/block`, adminA)).status).toBe(
      200,
    );
    expect((await unblock(found, adminB)).status).toBe(404);
    const lifted = await unblock(found, adminA);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toEqual({ nitetapId: found, status: 'active' });
    // Twice (a retry) is the same answer.
    expect((await unblock(found, adminA)).status).toBe(200);
    const pull = await server.json('GET', '/api/sync/pull', tillA.deviceToken);
    expect(pull.body.blockedTags).not.toContain(found);
    const { body } = await tillA.push(server.send, [await tillA.sale(found, 200)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 300 });
    const audit = await server.json('GET', `/api/admin/audit?venueId=${venueA}`, server.rootToken);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({ action: 'wallet.unblock', target: found }),
    );

    const replaced = 'facade00e2';
    await tillA.push(server.send, [await tillA.topup(replaced, 500)]);
    expect(
      (
        await server.json('POST', `/api/admin/wallets/${replaced}/replace`, adminA, {
          newNitetapId: 'facade00e3',
        })
      ).status,
    ).toBe(200);
    const refused = await unblock(replaced, adminA);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/replaced by facade00e3/);

    // Venue A's admin may block a wallet venue B's guest uses, but only Nitecore lifts it.
    const tillB = await server.enrollTill(venueB);
    const shared = 'facade00e4';
    await tillB.push(server.send, [await tillB.topup(shared, 900)]);
    await tillA.push(server.send, [await tillA.sale(shared, 100, 'cash')]);
    expect((await server.json('POST', `/api/admin/wallets/${shared}/block`, adminA)).status).toBe(
      200,
    );
    const notMine = await unblock(shared, adminA);
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.message).toMatch(/a Nitecore admin can unblock it/);
    expect((await server.json('GET', `/api/wallets/${shared}`, adminA)).body.status).toBe(
      'blocked',
    );
    expect((await unblock(shared, server.rootToken)).status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${shared}`, adminA)).body.status).toBe('active');
  });

  test("replacing into an existing tag needs the right to act on it, and never takes another guest's wallet", async () => {
    const tillB = await server.enrollTill(venueB);
    const victim = 'facade00b1';
    await tillB.push(server.send, [await tillB.topup(victim, 5000)]);
    const mine = 'facade00a1';
    await tillA.push(server.send, [await tillA.topup(mine, 100)]);
    const intoOtherVenue = await server.json('POST', `/api/admin/wallets/${mine}/replace`, adminA, {
      newNitetapId: victim,
    });
    expect(intoOtherVenue.status).toBe(409);
    expect(intoOtherVenue.body.error.message).toMatch(/another venue/);
    expect((await server.json('GET', `/api/wallets/${victim}`, adminA)).status).toBe(404);
    expect((await server.json('GET', `/api/wallets/${mine}`, adminA)).body).toMatchObject({
      balanceNc: 100,
      status: 'active',
    });

    const owned = 'facade00a2';
    await tillA.push(server.send, [await tillA.topup(owned, 300)]);
    const owner = await server.userToken(Role.guest, null);
    await server.database.db
      .update(wallets)
      .set({ guestUserId: owner.userId })
      .where(eq(wallets.nitetapId, owned));
    const intoOwned = await server.json('POST', `/api/admin/wallets/${mine}/replace`, adminA, {
      newNitetapId: owned,
    });
    expect(intoOwned.status).toBe(409);
    expect(intoOwned.body.error.message).toMatch(/another guest/);

    const free = 'facade00a3';
    await tillA.push(server.send, [await tillA.topup(free, 200)]);
    const merged = await server.json('POST', `/api/admin/wallets/${mine}/replace`, adminA, {
      newNitetapId: free,
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ movedNc: 100, balanceNc: 300 });
  });

  test("a till's cash sale on another venue's wristband does not let its admin move that wallet", async () => {
    const tillB = await server.enrollTill(venueB);
    const victim = 'facade00d1';
    const victimToo = 'facade00d2';
    await tillB.push(server.send, [
      await tillB.topup(victim, 5000),
      await tillB.topup(victimToo, 700),
    ]);
    // A cash sale applies on any tag, and records it as used at venue A.
    const planted = await tillA.push(server.send, [
      await tillA.sale(victim, 100, 'cash'),
      await tillA.sale(victimToo, 100, 'cash'),
    ]);
    expect(planted.body.results.map((r: { status: string }) => r.status)).toEqual([
      'applied',
      'applied',
    ]);
    expect((await server.json('GET', `/api/wallets/${victim}`, adminA)).status).toBe(200);

    const out = await server.json('POST', `/api/admin/wallets/${victim}/replace`, adminA, {
      newNitetapId: 'facade00d3',
    });
    expect(out.status).toBe(403);
    expect(out.body.error.message).toMatch(/another venue: a Nitecore admin can replace it/);

    const mine = 'facade00d4';
    await tillA.push(server.send, [await tillA.topup(mine, 100)]);
    const into = await server.json('POST', `/api/admin/wallets/${mine}/replace`, adminA, {
      newNitetapId: victimToo,
    });
    expect(into.status).toBe(409);
    for (const [tag, balanceNc] of [
      [victim, 5000],
      [victimToo, 700],
      [mine, 100],
    ] as const) {
      expect((await server.json('GET', `/api/wallets/${tag}`, adminA)).body, tag).toMatchObject({
        balanceNc,
        status: 'active',
      });
    }

    const byNitecore = await server.json(
      'POST',
      `/api/admin/wallets/${victim}/replace`,
      server.rootToken,
      { newNitetapId: 'facade00d3' },
    );
    expect(byNitecore.status).toBe(200);
    expect(byNitecore.body).toMatchObject({ movedNc: 5000, balanceNc: 5000 });
  });
});

describeDb('admin: end-of-night report and audit log', () => {
  test('the report per till and staff matches what the till did', async () => {
    const venue = await server.createVenue();
    const admin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const tag = 'b0b0b0b0b0';
    const topup = await till.topup(tag, 5000, 'cash');
    const sale = await till.sale(tag, 1200);
    const cash = await till.sale(null, 900, 'cash');
    const card = await till.sale(null, 400, 'card');
    const cashout = await till.sign({
      op: 'cashout',
      nitetapId: tag,
      tender: 'cash',
      amountNc: 1000,
      amountChf: 1000,
      basis: { balanceNc: 3800, asOf: null, pendingNc: 0 },
    });
    const voided = await till.voidOf(cash);
    await till.push(server.send, [topup, sale, cash, card, cashout, voided]);
    const res = await server.json('GET', `/api/admin/venues/${venue}/reports/night`, admin);
    expect(res.status).toBe(200);
    expect(res.body.total).toEqual({
      salesNc: { count: 1, nc: 1200 },
      salesCash: { count: 1, chf: 900 },
      salesCard: { count: 1, chf: 400 },
      topupsCash: { count: 1, chf: 5000, nc: 5000 },
      topupsCard: { count: 0, chf: 0, nc: 0 },
      cashouts: { count: 1, chf: 1000, nc: 1000 },
      voids: { count: 1, nc: 0, cashChf: 900, cardChf: 0 },
      writtenOff: { count: 0, nc: 0 },
      held: { count: 0, debitNc: 0, creditNc: 0, cashChf: 0, cardChf: 0 },
      expectedCashChf: 900 + 5000 - 1000 - 900,
      expectedCardChf: 400,
    });
    expect(res.body.tills).toEqual([
      expect.objectContaining({ tillId: till.tillId, expectedCashChf: 4000 }),
    ]);
    expect(res.body.staff).toEqual([expect.objectContaining({ staffId: 'staff-1' })]);
    expect(
      (await server.json('GET', `/api/admin/venues/${venue}/reports/night?from=yesterday`, admin))
        .status,
    ).toBe(400);
  });

  test('a held sale voided at the till counts nowhere; held cash is shown apart from the drawer', async () => {
    const venue = await server.createVenue();
    const admin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const statuses = async (ops: unknown[]) =>
      (await till.push(server.send, ops)).body.results.map((r) => [r.status, r.reason]);
    expect(await statuses([await till.sale(null, 1000, 'cash')])).toEqual([['applied', null]]);
    till.breakChain();
    const held = await till.sale(null, 700, 'cash');
    expect(await statuses([held])).toEqual([['held', 'chain_break']]);
    // The bartender gives the 700 back: the void settles the held sale.
    expect(await statuses([await till.voidOf(held)])).toEqual([['applied', null]]);
    till.breakChain();
    expect(await statuses([await till.topup('b1b1b1b1b1', 2000, 'cash')])).toEqual([
      ['held', 'chain_break'],
    ]);

    const res = await server.json('GET', `/api/admin/venues/${venue}/reports/night`, admin);
    expect(res.body.total).toMatchObject({
      salesCash: { count: 1, chf: 1000 },
      voids: { count: 0, nc: 0, cashChf: 0, cardChf: 0 },
      held: { count: 1, debitNc: 0, creditNc: 2000, cashChf: 2000, cardChf: 0 },
      expectedCashChf: 1000,
    });
  });

  test('card takings net of card voids, held NC by direction, and write-offs are each shown', async () => {
    const venue = await server.createVenue();
    const admin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const tag = 'b2b2b2b2b2';
    await till.push(server.send, [await till.topup('b3b3b3b3b3', 100, 'cash')]);
    expect((await server.json('POST', '/api/admin/wallets/b3b3b3b3b3/block', admin)).status).toBe(
      200,
    );
    const card = await till.sale(null, 400, 'card');
    const refunded = await till.sale(null, 900, 'card');
    const ops = [
      await till.topup(tag, 3000, 'card'),
      card,
      refunded,
      await till.voidOf(refunded),
      // Beyond the balance: held, then written off by an admin.
      await till.sale(tag, 5000),
      // Beyond the balance too: stays held.
      await till.sale(tag, 4000),
      // On a blocked band: held, its card money on the terminal but not expected there.
      await till.topup('b3b3b3b3b3', 2500, 'card'),
    ];
    const results = (await till.push(server.send, ops)).body.results;
    expect(results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'held',
      'held',
      'held',
    ]);
    const conflicts = await server.json('GET', '/api/admin/conflicts?status=open', admin);
    const writeOff = conflicts.body.conflicts.find(
      (c: { opId: string }) => c.opId === ops[4]?.envelope.id,
    );
    expect(
      (
        await server.json('POST', `/api/admin/conflicts/${writeOff.id}/resolve`, admin, {
          resolution: 'write_off',
        })
      ).status,
    ).toBe(200);

    const res = await server.json('GET', `/api/admin/venues/${venue}/reports/night`, admin);
    expect(res.body.total).toMatchObject({
      salesNc: { count: 1, nc: 5000 },
      salesCard: { count: 2, chf: 1300 },
      topupsCard: { count: 1, chf: 3000, nc: 3000 },
      voids: { count: 1, nc: 0, cashChf: 0, cardChf: 900 },
      writtenOff: { count: 1, nc: 5000 },
      held: { count: 2, debitNc: 4000, creditNc: 2500, cashChf: 0, cardChf: 2500 },
      expectedCashChf: 100,
      expectedCardChf: 3000 + 400,
    });
  });

  test('a night covers ops from its start up to, not including, its end', async () => {
    const venue = await server.createVenue();
    const admin = (await server.userToken(Role.venueAdmin, venue)).token;
    const till = await server.enrollTill(venue);
    const cashSaleAt = (at: string, chf: number) =>
      till.sign({
        op: 'sale',
        tender: 'cash',
        amountChf: chf,
        lines: [{ itemId: 'item-1', qty: 1, unitNc: chf, unitChf: chf }],
        at,
      });
    const [from, to] = ['2026-11-20T18:00:00.000Z', '2026-11-21T06:00:00.000Z'];
    await till.push(server.send, [
      await cashSaleAt('2026-11-20T17:59:59.999Z', 100),
      await cashSaleAt(from, 200),
      await cashSaleAt('2026-11-21T05:59:59.999Z', 400),
      await cashSaleAt(to, 800),
    ]);
    const res = await server.json(
      'GET',
      `/api/admin/venues/${venue}/reports/night?from=${from}&to=${to}`,
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.body.total.salesCash).toEqual({ count: 2, chf: 600 });
  });

  test('admin actions are in the audit log, readable by Nitecore admins', async () => {
    const res = await server.json('GET', `/api/admin/audit?venueId=${venueA}`, server.rootToken);
    expect(res.status).toBe(200);
    const actions = res.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'market.create',
        'market.update',
        'staff.create',
        'venue.update',
        'till.enroll',
        'wallet.replace',
      ]),
    );
    const replace = res.body.entries.find(
      (e: { action: string; target: string }) =>
        e.action === 'wallet.replace' && e.target === 'facade0001',
    );
    expect(replace).toMatchObject({
      actorRole: 'venue_admin',
      venueId: venueA,
      target: 'facade0001',
    });
  });

  test('the audit log pages back to its first entry, none twice, none left out', async () => {
    const all = await server.json(
      'GET',
      `/api/admin/audit?venueId=${venueA}&limit=500`,
      server.rootToken,
    );
    expect(all.body.more).toBe(false);
    const paged: number[] = [];
    let before = '';
    for (;;) {
      const page = await server.json(
        'GET',
        `/api/admin/audit?venueId=${venueA}&limit=2${before}`,
        server.rootToken,
      );
      paged.push(...page.body.entries.map((e: { id: number }) => e.id));
      if (!page.body.more) break;
      before = `&before=${paged.at(-1)}`;
    }
    expect(paged.length).toBeGreaterThan(2);
    expect(paged).toEqual(all.body.entries.map((e: { id: number }) => e.id));
  });
});
