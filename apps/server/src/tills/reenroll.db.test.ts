import { randomUUID } from 'node:crypto';
import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let venueA: string;
let venueB: string;
let adminA: string;

beforeAll(async () => {
  server = await startTestServer();
  venueA = await server.createVenue();
  venueB = await server.createVenue();
  adminA = (await server.userToken(Role.venueAdmin, venueA)).token;
});
afterAll(() => server.disposeBalanced());

/** A till whose enrolment the server has lost (its database restored from an older backup). */
function forgottenTill(venueId: string): TestTill {
  const till = new TestTill();
  till.tillId = randomUUID();
  till.venueId = venueId;
  till.deviceToken = 'a-token-from-the-lost-database';
  return till;
}

function reenroll(till: TestTill, venueId = till.venueId, token = adminA, name = 'Bar 9') {
  return server.json<{ tillId: string; deviceToken: string }>(
    'POST',
    `/api/admin/venues/${venueId}/tills/${till.tillId}/reenroll`,
    token,
    { name, publicKey: till.publicKey },
  );
}

describeDb('re-enrolling a till the server no longer knows', () => {
  test('the till is put back under its id and key, and the ops it kept are applied', async () => {
    const till = forgottenTill(venueA);
    const tag = 'fe00000000000001';
    // Sold while the server was being restored: seq 1 and 2, signed with the till's key.
    const ops = [await till.topup(tag, 2_000), await till.sale(tag, 700)];
    const refused = await till.push(server.send, ops);
    expect(refused.status).toBe(401);

    const first = await reenroll(till);
    expect(first.status).toBe(200);
    expect(first.body.tillId).toBe(till.tillId);
    // The answer was lost and the admin tries again: the same till, a new token.
    const again = await reenroll(till);
    expect(again.status).toBe(200);
    expect(again.body.tillId).toBe(till.tillId);
    expect(again.body.deviceToken).not.toBe(first.body.deviceToken);

    till.deviceToken = again.body.deviceToken;
    const pushed = await till.push(server.send, ops);
    expect(pushed.status).toBe(200);
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(pushed.body.results[1]?.balanceNc).toBe(1_300);

    const list = await server.json('GET', `/api/admin/venues/${venueA}/tills`, adminA);
    expect(list.body.tills).toContainEqual(
      expect.objectContaining({ tillId: till.tillId, name: 'Bar 9', lastSeq: 2 }),
    );
    const audit = await server.json('GET', `/api/admin/audit?venueId=${venueA}`, server.rootToken);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({ action: 'till.reenroll', target: till.tillId }),
    );
  });

  test("a key or id another till holds, another venue's till, or a revoked till is 409", async () => {
    const known = await server.enrollTill(venueA);
    const otherKey = forgottenTill(venueA);
    otherKey.tillId = known.tillId;
    expect((await reenroll(otherKey)).status).toBe(409);

    const otherId = forgottenTill(venueA);
    Object.assign(otherId, { keys: known.keys });
    expect((await reenroll(otherId)).status).toBe(409);

    expect((await reenroll(known, venueB, server.rootToken)).status).toBe(409);

    expect(
      (await server.json('POST', `/api/admin/tills/${known.tillId}/revoke`, adminA)).status,
    ).toBe(200);
    const revoked = await reenroll(known);
    expect(revoked.status).toBe(409);
    expect(JSON.stringify(revoked.body)).toMatch(/this till is revoked/);
  });

  test('a till on the server but never seen gets a fresh token; one seen since keeps its own (409)', async () => {
    const known = await server.enrollTill(venueA);
    const res = await reenroll(known);
    expect(res.status).toBe(200);
    expect(res.body.tillId).toBe(known.tillId);
    known.deviceToken = res.body.deviceToken;
    const pushed = await known.push(server.send, [await known.topup('fe00000000000002', 500)]);
    expect(pushed.body.results[0]?.status).toBe('applied');

    const refused = await reenroll(known);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toMatch(/still works/);
    const again = await known.push(server.send, [await known.topup('fe00000000000002', 500)]);
    expect(again.body.results[0]?.status).toBe('applied');
  });

  test('two re-enrolments of one missing till at once: one till, no 500, and a token answered works', async () => {
    const till = forgottenTill(venueA);
    const answers = await Promise.all([reenroll(till), reenroll(till)]);
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const list = await server.json('GET', `/api/admin/venues/${venueA}/tills`, adminA);
    expect(
      list.body.tills.filter((t: { tillId: string }) => t.tillId === till.tillId),
    ).toHaveLength(1);
    // The till keeps the answer it got last; a dead one would show the re-enroll button again.
    const working = [];
    for (const a of answers.filter((x) => x.status === 200))
      working.push((await server.json('GET', '/api/sync/pull', a.body.deviceToken)).status);
    expect(working).toContain(200);
  });

  test('a till id that is not a UUID, or a key that is not 32 bytes, is 400 and stores nothing', async () => {
    const bad = forgottenTill(venueA);
    bad.tillId = 'not-a-uuid';
    expect((await reenroll(bad)).status).toBe(400);
    const till = forgottenTill(venueA);
    const res = await server.json(
      'POST',
      `/api/admin/venues/${venueA}/tills/${till.tillId}/reenroll`,
      adminA,
      { name: 'Bar 9', publicKey: 'A'.repeat(42) },
    );
    expect(res.status).toBe(400);
    const list = await server.json('GET', `/api/admin/venues/${venueA}/tills`, adminA);
    expect(list.body.tills.map((t: { tillId: string }) => t.tillId)).not.toContain(till.tillId);
  });
});
