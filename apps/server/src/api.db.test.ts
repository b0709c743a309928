import { randomUUID } from 'node:crypto';
import {
  accounts,
  analyticsOutbox,
  ledgerLines,
  marketItems,
  ops,
  refreshTokens,
  wallets,
  walletVenues,
} from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { REFRESH_RETRY_SECONDS } from './auth/service.ts';
import { hashToken } from './auth/tokens.ts';
import { LIST_LIMIT } from './conflicts/service.ts';
import { AppError } from './errors.ts';
import { createMemoryStore } from './kv/memory-store.ts';
import { pull } from './sync/pull-service.ts';
import { describeDb } from './test-support/describe-db.ts';
import { ROOT_ADMIN, startTestServer, type TestServer } from './test-support/test-server.ts';

let server: TestServer;
let venueId: string;
let otherVenueId: string;
let admin: string;
let otherAdmin: string;
let staff: string;

beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
  otherVenueId = await server.createVenue();
  admin = (await server.userToken(Role.venueAdmin, venueId)).token;
  otherAdmin = (await server.userToken(Role.venueAdmin, otherVenueId)).token;
  staff = (await server.userToken(Role.staff, venueId)).token;
});
afterAll(() => server.disposeBalanced());

describeDb('auth', () => {
  test('login returns tokens and the user; a wrong password is 401 with the error shape', async () => {
    const ok = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual({ id: expect.any(String), role: 'nitecore_admin', venueId: null });
    const bad = await server.json('POST', '/api/auth/login', null, {
      ...ROOT_ADMIN,
      password: 'wrong-one',
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      error: { code: 'unauthorized', message: 'wrong email or password' },
    });
  });

  test('an access token stops working 15 minutes after login', async () => {
    const { accessToken } = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body;
    const at = (minutes: number) =>
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + minutes * 60_000 });
    try {
      at(14);
      expect((await server.json('GET', '/api/admin/venues', accessToken)).status).toBe(200);
      vi.useRealTimers();
      at(16);
      expect((await server.json('GET', '/api/admin/venues', accessToken)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  test('an expired refresh token is refused', async () => {
    const { refreshToken } = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body;
    await server.database.db
      .update(refreshTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshTokens.tokenHash, hashToken(refreshToken)));
    const res = await server.json('POST', '/api/auth/refresh', null, { refreshToken });
    expect(res.status).toBe(401);
  });

  test('a login body that is not an email and password is 400', async () => {
    const res = await server.json('POST', '/api/auth/login', null, {
      email: 'not-an-email',
      password: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  test('a refresh token rotates; a spent one used again after its replacement was signs the whole family out', async () => {
    const login = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    const first = login.body.refreshToken;
    const rotated = await server.json('POST', '/api/auth/refresh', null, { refreshToken: first });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first);
    const again = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: rotated.body.refreshToken,
    });
    expect(again.status).toBe(200);
    const reused = await server.json('POST', '/api/auth/refresh', null, { refreshToken: first });
    expect(reused.status).toBe(401);
    const afterTheft = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: again.body.refreshToken,
    });
    expect(afterTheft.status).toBe(401);
  });

  test('a refresh whose answer was lost can be sent again and gets the same replacement, for a while', async () => {
    const refreshWith = (refreshToken: string) =>
      server.json('POST', '/api/auth/refresh', null, { refreshToken });
    const first = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    const lost = await refreshWith(first);
    expect(lost.status).toBe(200);
    const retried = await refreshWith(first);
    expect(retried.status).toBe(200);
    expect(retried.body.refreshToken).toBe(lost.body.refreshToken);
    expect((await server.json('GET', '/api/admin/venues', retried.body.accessToken)).status).toBe(
      200,
    );
    expect((await refreshWith(retried.body.refreshToken)).status).toBe(200);

    // Past the retry window the same lost answer is not given again: taken for theft.
    const second = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    const unanswered = await refreshWith(second);
    await server.database.db
      .update(refreshTokens)
      .set({ usedAt: new Date(Date.now() - (REFRESH_RETRY_SECONDS + 5) * 1000) })
      .where(eq(refreshTokens.tokenHash, hashToken(second)));
    expect((await refreshWith(second)).status).toBe(401);
    expect((await refreshWith(unanswered.body.refreshToken)).status).toBe(401);
  });
});

describeDb('sessions and rate limits', () => {
  test('logout ends that login: its refresh token no longer works', async () => {
    const login = await server.json('POST', '/api/auth/login', null, ROOT_ADMIN);
    expect(
      (
        await server.json('POST', '/api/auth/logout', null, {
          refreshToken: login.body.refreshToken,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await server.json('POST', '/api/auth/refresh', null, {
          refreshToken: login.body.refreshToken,
        })
      ).status,
    ).toBe(401);
  });

  test('logout with a token whose refresh answer was lost still ends that login', async () => {
    const first = (await server.json('POST', '/api/auth/login', null, ROOT_ADMIN)).body
      .refreshToken;
    // The server rotated the token, but the client never saw the replacement.
    const replacement = (
      await server.json('POST', '/api/auth/refresh', null, { refreshToken: first })
    ).body.refreshToken;
    expect(
      (await server.json('POST', '/api/auth/logout', null, { refreshToken: first })).status,
    ).toBe(204);
    expect(
      (await server.json('POST', '/api/auth/refresh', null, { refreshToken: replacement })).status,
    ).toBe(401);
  });

  test('sign out everywhere voids every refresh token and access tokens issued before it', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const other = await server.json('POST', '/api/auth/login', null, {
      email: user.email,
      password: user.password,
    });
    expect((await server.json('GET', '/api/admin/conflicts', user.token)).status).toBe(200);
    expect((await server.json('POST', '/api/auth/logout-everywhere', user.token)).status).toBe(204);
    expect((await server.json('GET', '/api/admin/conflicts', user.token)).status).toBe(401);
    expect((await server.json('GET', '/api/admin/conflicts', other.body.accessToken)).status).toBe(
      401,
    );
    expect(
      (
        await server.json('POST', '/api/auth/refresh', null, {
          refreshToken: other.body.refreshToken,
        })
      ).status,
    ).toBe(401);
  });

  test('sign out everywhere voids tokens to the ms: one from just before is refused, a sign-in just after works', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const second = (Math.floor(Date.now() / 1000) + 1) * 1000;
    const signIn = async () =>
      (
        await server.json('POST', '/api/auth/login', null, {
          email: user.email,
          password: user.password,
        })
      ).body.accessToken as string;
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: second + 100 });
      const before = await signIn();
      vi.setSystemTime(second + 200);
      expect((await server.json('POST', '/api/auth/logout-everywhere', before)).status).toBe(204);
      vi.setSystemTime(second + 300);
      const after = await signIn();
      expect((await server.json('GET', '/api/admin/conflicts', after)).status).toBe(200);
      expect((await server.json('GET', '/api/admin/conflicts', before)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a sign-in in the second after sign out everywhere works', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const second = Math.floor(Date.now() / 1000) * 1000;
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: second + 500 });
      expect((await server.json('POST', '/api/auth/logout-everywhere', user.token)).status).toBe(
        204,
      );
      vi.setSystemTime(second + 1000);
      const login = await server.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: user.password,
      });
      const res = await server.json('GET', '/api/admin/conflicts', login.body.accessToken);
      expect(res.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a right password starts the count of wrong ones again', async () => {
    const user = await server.userToken(Role.venueAdmin, venueId);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await server.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: i % 5 === 4 ? user.password : 'wrong-password',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array.from({ length: 15 }, (_, i) => (i % 5 === 4 ? 200 : 401)));
  });

  test('a sign-in whose count cannot be cleared still signs in (fake store failing on forget)', async () => {
    const memory = createMemoryStore();
    const failing = await startTestServer({
      deps: {
        kv: {
          ...memory,
          forget: () => Promise.reject(new AppError(503, 'unavailable', 'Redis is not answering')),
        },
      },
    });
    try {
      const user = await failing.userToken(Role.staff, null);
      const res = await failing.json('POST', '/api/auth/login', null, {
        email: user.email,
        password: user.password,
      });
      expect(res.status).toBe(200);
      const me = await failing.json('GET', '/api/wallets/ffffffff', res.body.accessToken);
      expect(me.status).toBe(404);
    } finally {
      await failing.dispose();
    }
  });

  test('repeated wrong passwords for one account are 429 with Retry-After', async () => {
    const user = await server.userToken(Role.staff, venueId);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await server.send('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
        body: JSON.stringify({ email: user.email, password: 'wrong-password' }),
      });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after') ?? retryAfter;
    }
    // 10 attempts per account per window, from any address.
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describeDb('admin: venues and tills', () => {
  test('only a Nitecore admin creates venues', async () => {
    const body = { name: 'Club X', slug: `club-${randomUUID().slice(0, 8)}`, city: 'Basel' };
    expect((await server.json('POST', '/api/admin/venues', null, body)).status).toBe(401);
    expect((await server.json('POST', '/api/admin/venues', admin, body)).status).toBe(403);
    const created = await server.json('POST', '/api/admin/venues', server.rootToken, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Club X',
      slug: body.slug,
      city: 'Basel',
    });
    const again = await server.json('POST', '/api/admin/venues', server.rootToken, body);
    expect(again.status).toBe(409);
  });

  test('a venue slug with capitals or spaces is 400 and creates nothing', async () => {
    const res = await server.json('POST', '/api/admin/venues', server.rootToken, {
      name: 'A',
      slug: 'Bad Slug',
      city: 'Bern',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('slug');
  });

  test('a venue admin enrolls tills for their venue only', async () => {
    const publicKey = Buffer.alloc(32, 7).toString('base64url');
    const own = await server.json('POST', `/api/admin/venues/${venueId}/tills`, admin, {
      name: 'Bar',
      publicKey,
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ tillId: expect.any(String), deviceToken: expect.any(String) });
    const foreign = await server.json('POST', `/api/admin/venues/${otherVenueId}/tills`, admin, {
      name: 'Bar',
      publicKey,
    });
    expect(foreign.status).toBe(403);
    const byStaff = await server.json('POST', `/api/admin/venues/${venueId}/tills`, staff, {
      name: 'Bar',
      publicKey,
    });
    expect(byStaff.status).toBe(403);
    const badKey = await server.json('POST', `/api/admin/venues/${venueId}/tills`, admin, {
      name: 'Bar',
      publicKey: 'short',
    });
    expect(badKey.status).toBe(400);
    const noVenue = await server.json(
      'POST',
      `/api/admin/venues/${randomUUID()}/tills`,
      server.rootToken,
      { name: 'Bar', publicKey },
    );
    expect(noVenue.status).toBe(404);
  });

  test('a till is revoked only by an admin of its venue', async () => {
    const till = await server.enrollTill(venueId);
    expect(
      (await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, otherAdmin)).status,
    ).toBe(403);
    const res = await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, admin);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('revoked');
    expect(
      (await server.json('POST', `/api/admin/tills/${randomUUID()}/revoke`, admin)).status,
    ).toBe(404);
  });
});

describeDb('wallets', () => {
  test('staff and admins of a venue the wallet was used at see it; others get 404', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'feedc0de01';
    await till.push(server.send, [await till.topup(tag, 4200)]);
    const seen = await server.json('GET', `/api/wallets/${tag.toUpperCase()}`, staff);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      nitetapId: tag,
      balanceNc: 4200,
      xp: 0,
      level: 1,
      status: 'active',
    });
    expect((await server.json('GET', `/api/wallets/${tag}`, admin)).status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${tag}`, otherAdmin)).status).toBe(404);
    const guest = await server.userToken(Role.guest, null);
    expect((await server.json('GET', `/api/wallets/${tag}`, guest.token)).status).toBe(404);
    await server.database.db
      .update(wallets)
      .set({ guestUserId: guest.userId })
      .where(eq(wallets.nitetapId, tag));
    expect((await server.json('GET', `/api/wallets/${tag}`, guest.token)).status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${tag}`, null)).status).toBe(401);
    expect((await server.json('GET', '/api/wallets/not-hex!', staff)).status).toBe(400);
  });

  test('looking one tag up again and again is cut off for the one asking, not for its staff', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'feedc0de02';
    await till.push(server.send, [await till.topup(tag, 100)]);
    const stranger = await server.userToken(Role.guest, null);
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      statuses.push((await server.json('GET', `/api/wallets/${tag}`, stranger.token)).status);
    }
    expect(statuses.slice(0, 120)).toEqual(Array(120).fill(404));
    expect(statuses.slice(120)).toEqual(Array(5).fill(429));
    expect((await server.json('GET', `/api/wallets/${tag}`, staff)).status).toBe(200);
  });
});

describeDb('conflicts', () => {
  /** A sale held insufficient_funds; `spelled` is the tag as the till signs the sale. */
  async function heldSale(amountNc: number, spelled = (tag: string) => tag) {
    const till = await server.enrollTill(venueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(spelled(tag), amountNc);
    const { body } = await till.push(server.send, [topup, sale]);
    expect(body.results[1]?.reason).toBe('insufficient_funds');
    const list = await server.json('GET', '/api/admin/conflicts?status=open', admin);
    const conflict = list.body.conflicts.find((c: { opId: string }) => c.opId === sale.envelope.id);
    return { tag, sale, conflict, till };
  }
  const balance = async (tag: string) =>
    (await server.json('GET', `/api/wallets/${tag}`, admin)).body.balanceNc;
  const resolve = (id: string, resolution: string, token = admin) =>
    server.json('POST', `/api/admin/conflicts/${id}/resolve`, token, {
      resolution,
      note: 'checked the camera',
    });

  test('the detail shows the op as signed, its till and the guest history', async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    const res = await server.json('GET', `/api/admin/conflicts/${conflict.id}`, admin);
    expect(res.status).toBe(200);
    expect(res.body.op.envelope).toEqual(sale.envelope);
    expect(res.body.till).toMatchObject({ id: till.tillId, name: 'Bar 1' });
    expect(
      res.body.history.map((h: { kind: string; status: string }) => [h.kind, h.status]),
    ).toEqual([
      ['sale', 'held'],
      ['topup', 'applied'],
    ]);
    expect(res.body.conflict.nitetapId).toBe(tag);
    expect(
      (await server.json('GET', `/api/admin/conflicts/${conflict.id}`, otherAdmin)).status,
    ).toBe(403);
  });

  test('accept applies the held sale and lets the wallet go into debt', async () => {
    const { tag, conflict } = await heldSale(1500);
    const res = await resolve(conflict.id, 'accept');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', resolution: 'accept' });
    expect(await balance(tag)).toBe(-500);
  });

  test('a sale signed with an upper-case tag is shown as signed and accepted onto its wallet', async () => {
    const { tag, conflict, sale } = await heldSale(1500, (t) => t.toUpperCase());
    const detail = await server.json('GET', `/api/admin/conflicts/${conflict.id}`, admin);
    expect(detail.body.op.envelope).toEqual(sale.envelope);
    expect(detail.body.op.envelope.nitetapId).toBe(tag.toUpperCase());
    expect((await resolve(conflict.id, 'accept')).status).toBe(200);
    expect(await balance(tag)).toBe(-500);
  });

  test('an op stored before migration 0005 (jsonb envelope, no signed text) is shown and resolved', async () => {
    const { tag, conflict, sale } = await heldSale(1500);
    await server.database.db
      .update(ops)
      .set({ envelope: sql`${ops.signed}::jsonb`, signed: null })
      .where(eq(ops.id, sale.envelope.id));
    const detail = await server.json('GET', `/api/admin/conflicts/${conflict.id}`, admin);
    expect(detail.body.op.envelope).toEqual(sale.envelope);
    expect((await resolve(conflict.id, 'accept')).status).toBe(200);
    expect(await balance(tag)).toBe(-500);
  });

  test('write_off charges the venue write-off account, not the guest', async () => {
    const { tag, conflict, sale } = await heldSale(1500);
    expect((await resolve(conflict.id, 'write_off')).status).toBe(200);
    expect(await balance(tag)).toBe(1000);
    const lines = await server.database.db
      .select()
      .from(ledgerLines)
      .where(eq(ledgerLines.opId, sale.envelope.id));
    expect(lines.map((l) => [l.accountId, l.amountNc]).sort()).toEqual(
      [
        [`v:${venueId}:write_off`, -1500],
        [`v:${venueId}:venue_revenue`, 1500],
      ].sort(),
    );
    const [writeOff] = await server.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, `v:${venueId}:write_off`));
    expect(writeOff?.balanceNc).toBeLessThanOrEqual(-1500);
  });

  test('reject moves nothing; resolving again the same way is idempotent, another way is 409', async () => {
    const { tag, conflict } = await heldSale(1500);
    expect((await resolve(conflict.id, 'reject')).status).toBe(200);
    const again = await resolve(conflict.id, 'reject');
    expect(again.status).toBe(200);
    expect(again.body.resolution).toBe('reject');
    expect((await resolve(conflict.id, 'accept')).status).toBe(409);
    expect(await balance(tag)).toBe(1000);
  });

  test('a rejected held sale never reaches the sales figures; an accepted one does', async () => {
    const rejected = await heldSale(1500);
    const accepted = await heldSale(1500);
    expect((await resolve(rejected.conflict.id, 'reject')).status).toBe(200);
    expect((await resolve(accepted.conflict.id, 'accept')).status).toBe(200);
    const events = await server.database.db
      .select({ id: analyticsOutbox.id })
      .from(analyticsOutbox)
      .where(
        inArray(analyticsOutbox.id, [
          `op:${rejected.sale.envelope.id}`,
          `op:${accepted.sale.envelope.id}`,
          `resolution:${rejected.conflict.id}`,
        ]),
      );
    expect(events.map((e) => e.id).sort()).toEqual(
      [`op:${accepted.sale.envelope.id}`, `resolution:${rejected.conflict.id}`].sort(),
    );
  });

  test('a list cut at its limit says there are more', async () => {
    const venueId = await server.createVenue();
    // More held ops than one list holds, written straight to the tables.
    await server.database.db.execute(sql`
      with held as (
        insert into ops (id, till_id, venue_id, seq, kind, tender, staff_id, amount_nc,
          amount_chf, canon_hash, sig, status, standing, till_at)
        select 'bulk-' || g, 'till-x', ${venueId}, g, 'sale', 'nc', 's', 100, 0, 'h', 's',
          'held', 'held', '2026-11-24T00:00:00Z'
        from generate_series(1, ${LIST_LIMIT + 1}) g
        returning id)
      insert into conflicts (id, op_id, venue_id, till_id, reason, amount_nc)
      select 'c-' || id, id, ${venueId}, 'till-x', 'chain_break', 100 from held`);
    const list = (status: string) =>
      server.json(
        'GET',
        `/api/admin/conflicts?status=${status}&venueId=${venueId}`,
        server.rootToken,
      );
    const open = await list('open');
    expect(open.body.conflicts).toHaveLength(LIST_LIMIT);
    expect(open.body.more).toBe(true);
    expect((await list('resolved')).body).toEqual({ conflicts: [], more: false });
  });

  test('open conflicts list oldest first, resolved ones newest first; no venue, no list', async () => {
    const first = (await heldSale(1500)).conflict;
    const second = (await heldSale(1600)).conflict;
    await resolve(first.id, 'reject');
    await resolve(second.id, 'reject');
    const ids = async (status: string) =>
      (await server.json('GET', `/api/admin/conflicts?status=${status}`, admin)).body.conflicts
        .map((c: { id: string }) => c.id)
        .filter((id: string) => id === first.id || id === second.id);
    expect(await ids('resolved')).toEqual([second.id, first.id]);
    const open = [(await heldSale(1700)).conflict.id, (await heldSale(1800)).conflict.id];
    expect(
      (await server.json('GET', '/api/admin/conflicts?status=open', admin)).body.conflicts
        .map((c: { id: string }) => c.id)
        .filter((id: string) => open.includes(id)),
    ).toEqual(open);
    const homeless = (await server.userToken(Role.venueAdmin, null)).token;
    expect((await server.json('GET', '/api/admin/conflicts', homeless)).status).toBe(403);
  });

  test("a voided accepted sale refunds the guest and its XP; the admin's decision stays on record", async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    await resolve(conflict.id, 'accept');
    const { body } = await till.push(server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 1000, xp: 0 });
    expect(await balance(tag)).toBe(1000);
    // The admin's decision stays on record: the void does not rewrite it.
    const settled = await server.json('GET', `/api/admin/conflicts/${conflict.id}`, admin);
    expect(settled.body.conflict).toMatchObject({
      resolution: 'accept',
      note: 'checked the camera',
    });
  });

  test('a voided written-off sale gives the NC back to the write-off account, not the guest', async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    expect((await resolve(conflict.id, 'write_off')).status).toBe(200);
    const writeOffBalance = async () =>
      (
        await server.database.db
          .select()
          .from(accounts)
          .where(eq(accounts.id, `v:${venueId}:write_off`))
      )[0]?.balanceNc;
    const before = await writeOffBalance();
    const { body } = await till.push(server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 1000 });
    expect(await balance(tag)).toBe(1000);
    expect(await writeOffBalance()).toBe((before ?? 0) + 1500);
  });

  test('another venue cannot list or resolve them; a bad resolution is 400; an unknown id 404', async () => {
    const { conflict } = await heldSale(2000);
    const list = await server.json('GET', '/api/admin/conflicts?status=open', otherAdmin);
    expect(list.body.conflicts.some((c: { id: string }) => c.id === conflict.id)).toBe(false);
    expect(
      (await server.json('GET', `/api/admin/conflicts?venueId=${venueId}`, otherAdmin)).status,
    ).toBe(403);
    expect((await resolve(conflict.id, 'accept', otherAdmin)).status).toBe(403);
    expect((await resolve(conflict.id, 'maybe')).status).toBe(400);
    expect((await resolve(randomUUID(), 'accept')).status).toBe(404);
    expect((await server.json('GET', '/api/admin/conflicts', staff)).status).toBe(403);
    expect((await server.json('GET', '/api/admin/conflicts', null)).status).toBe(401);
  });
});

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
    expect((await server.json('GET', '/api/sync/pull', null)).status).toBe(401);
  });
});

describeDb('health and unknown routes', () => {
  test('health is ok with the database up and migrations current', async () => {
    const res = await server.json('GET', '/api/health', null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up' }, migrations: { status: 'current' } },
    });
  });

  test('an unknown route is a JSON 404', async () => {
    const res = await server.json('GET', '/api/nope', null);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
