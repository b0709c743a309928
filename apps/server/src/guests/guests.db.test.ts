import { claimCode } from '@niteos/ledger-core';
import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStore } from '../kv/memory-store.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let till: TestTill;
const kv = createMemoryStore();
beforeAll(async () => {
  server = await startTestServer({ deps: { kv } });
  till = await server.enrollTill(await server.createVenue());
});
afterAll(() => server.dispose());

async function register(email: string) {
  const res = await server.json('POST', '/api/auth/register', null, {
    email,
    password: 'guest-password',
  });
  expect(res.status).toBe(201);
  expect(res.body.user.role).toBe('guest');
  return res.body.accessToken as string;
}

/** Claims `nitetapId` with the claim code of the top-up signed `sig`. */
const claimWith = (token: string, nitetapId: string, sig: string) =>
  server.json('POST', '/api/wallets/claim', token, { nitetapId, code: claimCode(sig) });

/** Replaces a lost band as a Nitecore admin does in the back office; the replacement must go through. */
async function replaceBand(from: string, to: string, options: { keepOwner?: boolean } = {}) {
  const res = await server.json('POST', `/api/admin/wallets/${from}/replace`, server.rootToken, {
    newNitetapId: to,
    ...options,
  });
  expect(res.status).toBe(200);
}

/**
 * A top-up on a blocked band at a till that has not learnt the block (as a
 * finder would make it): held, then let stand by an admin.
 */
async function topUpLetStand(tag: string, amountNc: number) {
  const topup = await till.topup(tag, amountNc);
  const pushed = await till.push(server.send, [topup]);
  expect(pushed.body.results[0]).toMatchObject({ status: 'held', reason: 'blocked_tag' });
  const open = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
  const held = open.body.conflicts.find((c: { opId: string }) => c.opId === topup.envelope.id);
  const accepted = await server.json(
    'POST',
    `/api/admin/conflicts/${held.id}/resolve`,
    server.rootToken,
    { resolution: 'accept', note: 'paid in cash' },
  );
  expect(accepted.status).toBe(200);
  return topup;
}

describeDb('guests claim their wristbands', () => {
  test('the claim code from a topup binds the wallet; the tag id alone does not', async () => {
    const tag = 'c1a1c1a1c1';
    const topup = await till.topup(tag, 4000);
    await till.push(server.send, [topup]);
    const token = await register('night-owl@niteos.test');

    const guess = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag,
      code: 'AAAA-AAAA',
    });
    expect(guess.status).toBe(404);
    expect((await server.json('GET', `/api/wallets/${tag}`, token)).status).toBe(404);

    const code = claimCode(topup.sig).toLowerCase().replace('-', ' ');
    const claimed = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag.toUpperCase(),
      code,
    });
    expect(claimed.status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${tag}`, token)).body).toMatchObject({
      balanceNc: 4000,
    });
    expect((await server.json('GET', '/api/me/wallets', token)).body.wallets).toEqual([
      expect.objectContaining({ nitetapId: tag, balanceNc: 4000, status: 'active' }),
    ]);
    expect(
      (await server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code })).status,
    ).toBe(200);

    const thief = await register('thief@niteos.test');
    expect(
      (await server.json('POST', '/api/wallets/claim', thief, { nitetapId: tag, code })).status,
    ).toBe(409);
    expect((await server.json('GET', `/api/wallets/${tag}`, thief)).status).toBe(404);
  });

  test("a guest's wristbands keep their order (first added first) as sales change them", async () => {
    const token = await register('two-bands@niteos.test');
    const tags = ['b0b0000001', 'a0a0000002', 'c0c0000003'];
    for (const tag of tags) {
      const topup = await till.topup(tag, 5000);
      await till.push(server.send, [topup]);
      const code = claimCode(topup.sig);
      expect(
        (await server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code })).status,
      ).toBe(200);
    }
    // Each sale rewrites its wallet's rows, which moves them in the table.
    for (const tag of [tags[0], tags[1], tags[0]] as string[]) {
      await till.push(server.send, [await till.sale(tag, 100)]);
      const listed = (await server.json('GET', '/api/me/wallets', token)).body.wallets;
      expect(listed.map((w: { nitetapId: string }) => w.nitetapId)).toEqual(tags);
    }
  });

  test('guessing codes for one tag is cut off per account, and for everyone far later; the owner still gets in', async () => {
    const tag = 'c1a1c1a1c2';
    const topup = await till.topup(tag, 100);
    await till.push(server.send, [topup]);
    const guess = (token: string, code = 'ZZZZ-ZZZZ') =>
      server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code });
    const stranger = await register('guess-a@niteos.test');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await guess(stranger)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const refused = await guess(stranger);
    expect(refused.body.error.message).toMatch(/^too many attempts: try again in \d+ min$/);

    // Another account's own tries are its own: the owner is not locked out.
    const owner = await register('guess-owner@niteos.test');
    expect((await guess(owner)).status).toBe(404);
    expect((await guess(owner, claimCode(topup.sig))).status).toBe(200);

    // Many accounts together: 1,000 tries an hour on one tag, then none for anyone.
    const tag2 = 'c1a1c1a1c3';
    await till.push(server.send, [await till.topup(tag2, 100)]);
    for (let i = 0; i < 1000; i++) await kv.hit(`rate:claim-tag:${tag2}`, 3600);
    const late = await register('guess-late@niteos.test');
    expect(
      (
        await server.json('POST', '/api/wallets/claim', late, {
          nitetapId: tag2,
          code: 'ZZZZ-ZZZZ',
        })
      ).status,
    ).toBe(429);
  });

  test('a wristband whose only top-up the server holds says it waits for the admin, not for a sync', async () => {
    const tag = 'c1a1c1a1c5';
    till.breakChain();
    const topup = await till.topup(tag, 300);
    const pushed = await till.push(server.send, [topup]);
    expect(pushed.body.results[0]).toMatchObject({ status: 'held', reason: 'chain_break' });
    const token = await register('held@niteos.test');
    const res = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag,
      code: claimCode(topup.sig),
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/waits for the venue's admin to settle it/);
  });

  test('a wristband whose top-up has not reached the server (or a mistyped tag id) says so, and costs no attempt', async () => {
    const tag = 'c1a1c1a1c4';
    const topup = await till.topup(tag, 300);
    const token = await register('early@niteos.test');
    for (let i = 0; i < 8; i++) {
      const res = await server.json('POST', '/api/wallets/claim', token, {
        nitetapId: tag,
        code: claimCode(topup.sig),
      });
      expect(res.status).toBe(404);
      // The server cannot tell a tag it has not heard of yet from a mistyped one.
      expect(res.body.error.message).toBe(
        'no top-up of this wristband has reached the server: check the tag id; if it was ' +
          'topped up just now, the bar has not synced it yet; try again in a few minutes',
      );
    }
    await till.push(server.send, [topup]);
    expect(
      (
        await server.json('POST', '/api/wallets/claim', token, {
          nitetapId: tag,
          code: claimCode(topup.sig),
        })
      ).status,
    ).toBe(200);
  });

  test("a lost band replaced twice: a finder's top-up let stand later still does not claim the last one", async () => {
    const [lost, second, last] = ['c1a1c1a1d1', 'c1a1c1a1d2', 'c1a1c1a1d3'];
    await till.push(server.send, [await till.topup(lost, 2500)]);
    await replaceBand(lost, second);
    await replaceBand(second, last);
    // The finder's top-up on the first band, held, then let stand: its NC goes to the last band.
    const finders = await topUpLetStand(lost, 100);
    const finder = await register('finder-twice@niteos.test');
    expect((await claimWith(finder, last, finders.sig)).status).toBe(404);
  });

  test('a mistyped code says how many tries are left; the right one gives them back', async () => {
    const tag = 'c1a1c1a1cb';
    const topup = await till.topup(tag, 100);
    await till.push(server.send, [topup]);
    const guest = await register('mistypes@niteos.test');
    const claim = (code: string) =>
      server.json('POST', '/api/wallets/claim', guest, { nitetapId: tag, code });
    const wrong = [];
    for (let i = 0; i < 2; i++) wrong.push((await claim('ZZZZ-ZZZZ')).body.error.message);
    expect(wrong).toEqual([
      expect.stringMatching(
        /does not match a top-up of this wristband.*\(4 tries left this hour\)$/,
      ),
      expect.stringMatching(/\(3 tries left this hour\)$/),
    ]);
    expect((await claim(claimCode(topup.sig))).status).toBe(200);
    // Adding a band already theirs again and again never locks the guest out either.
    for (let i = 0; i < 6; i++) expect((await claim(claimCode(topup.sig))).status).toBe(200);
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push((await claim('ZZZZ-ZZZZ')).body.error.message);
    expect(tries.at(-2)).toMatch(/\(1 try left this hour\)$/);
    expect(tries.at(-1)).toMatch(/\(no tries left this hour\)$/);
  });

  test("a wristband lost before it was claimed: its replacement is claimed with the lost one's code", async () => {
    const lost = 'c1a1c1a1c5';
    const replacement = 'c1a1c1a1c6';
    const topup = await till.topup(lost, 2500);
    await till.push(server.send, [topup]);
    await replaceBand(lost, replacement);
    const token = await register('lost-it@niteos.test');
    // The guest types the old band's id from the receipt: told which band took its place.
    const old = await claimWith(token, lost, topup.sig);
    expect(old.status).toBe(409);
    expect(old.body.error.message).toBe(
      `this wristband was replaced by ${replacement.toUpperCase()}: add that one, with the same claim code`,
    );
    const claimed = await claimWith(token, replacement, topup.sig);
    expect(claimed.status).toBe(200);
    expect((await server.json('GET', '/api/me/wallets', token)).body.wallets).toEqual([
      expect.objectContaining({ nitetapId: replacement, balanceNc: 2500, status: 'active' }),
    ]);
    const stranger = await register('not-mine@niteos.test');
    expect(
      (
        await server.json('POST', '/api/wallets/claim', stranger, {
          nitetapId: replacement,
          code: 'AAAA-AAAA',
        })
      ).status,
    ).toBe(404);
  });

  test('a top-up on a lost wristband after its replacement does not claim the new one', async () => {
    const lost = 'c1a1c1a1c7';
    const replacement = 'c1a1c1a1c8';
    const owners = await till.topup(lost, 2500);
    await till.push(server.send, [owners]);
    await replaceBand(lost, replacement);
    // Whoever found the band tops it up at a till that has not learnt the block:
    // held, then let stand by an admin, its NC goes to the replacement.
    const finders = await topUpLetStand(lost, 100);
    const finder = await register('found-it@niteos.test');
    expect((await claimWith(finder, replacement, finders.sig)).status).toBe(404);
    // Nor is the old band theirs to add, and the one that took its place goes unnamed.
    const old = await claimWith(finder, lost, finders.sig);
    expect(old.status).toBe(409);
    expect(old.body.error.message).toBe(
      'this wristband was replaced and is blocked: it can no longer be added; ask at the bar',
    );
    const owner = await register('lost-it-too@niteos.test');
    expect((await claimWith(owner, replacement, owners.sig)).status).toBe(200);
  });

  test('a band its finder claimed first: the admin sees a hint of who, and the replacement starts unclaimed', async () => {
    const lost = 'c1a1c1a1c9';
    const replacement = 'c1a1c1a1ca';
    const owners = await till.topup(lost, 2500);
    await till.push(server.send, [owners]);
    // The finder tops the band up at the bar and claims it before its loss is reported.
    const finders = await till.topup(lost, 100);
    await till.push(server.send, [finders]);
    const finder = await register('finder@niteos.test');
    expect((await claimWith(finder, lost, finders.sig)).status).toBe(200);

    const owner = await server.json('GET', `/api/admin/wallets/${lost}/owner`, server.rootToken);
    expect(owner.body).toEqual({ nitetapId: lost, claimed: true, emailHint: 'f…@niteos.test' });
    const elsewhere = (await server.userToken(Role.venueAdmin, await server.createVenue())).token;
    expect((await server.json('GET', `/api/admin/wallets/${lost}/owner`, elsewhere)).status).toBe(
      404,
    );

    // The guest at the bar is not f…: the admin replaces the band without its app owner.
    await replaceBand(lost, replacement, { keepOwner: false });
    const fresh = await server.json(
      'GET',
      `/api/admin/wallets/${replacement}/owner`,
      server.rootToken,
    );
    expect(fresh.body).toMatchObject({ claimed: false, emailHint: null });
    const findersWallets = (await server.json('GET', '/api/me/wallets', finder)).body.wallets;
    expect(findersWallets.map((w: { nitetapId: string }) => w.nitetapId)).toEqual([lost]);
    // The band is theirs: adding it again changes nothing, and names no other band.
    expect((await claimWith(finder, lost, finders.sig)).body).toEqual({
      nitetapId: lost,
      claimed: true,
    });
    // The claimed band's receipts claim nothing more: the finder's would be among them.
    expect((await claimWith(finder, replacement, finders.sig)).status).toBe(404);
    const guest = await register('rightful@niteos.test');
    expect((await claimWith(guest, replacement, owners.sig)).status).toBe(404);
    // The guest claims the new band with a top-up on it.
    const fresh1 = await till.topup(replacement, 500);
    await till.push(server.send, [fresh1]);
    expect((await claimWith(guest, replacement, fresh1.sig)).status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${replacement}`, guest)).body.balanceNc).toBe(
      3100,
    );
  });

  test("a venue's guests behind one Wi-Fi address can all sign up on a busy night; a flood cannot", async () => {
    const venueWifi = '203.0.113.7';
    const signUp = (email: string) =>
      server.send('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': venueWifi },
        body: JSON.stringify({ email, password: 'guest-password' }),
      });
    // As if 320 guests had signed up from there this hour: more than the 10,
    // then 300, an hour one address was once allowed.
    for (let i = 0; i < 320; i++) await kv.hit(`rate:register-ip:${venueWifi}`, 3600);
    expect((await signUp('crowd-321@niteos.test')).status).toBe(201);
    for (let i = 321; i < 3000; i++) await kv.hit(`rate:register-ip:${venueWifi}`, 3600);
    expect((await signUp('crowd-3001@niteos.test')).status).toBe(429);
  });

  test('signing up twice with one email is 409; staff cannot claim wallets', async () => {
    await register('twice@niteos.test');
    const again = await server.json('POST', '/api/auth/register', null, {
      email: 'TWICE@niteos.test',
      password: 'guest-password',
    });
    expect(again.status).toBe(409);
    const res = await server.json('POST', '/api/wallets/claim', server.rootToken, {
      nitetapId: 'c1a1c1a1c1',
      code: 'AAAA-AAAA',
    });
    expect(res.status).toBe(403);
  });
});
