import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let tillA: TestTill;
let tillB: TestTill;

beforeAll(async () => {
  server = await startTestServer();
  tillA = await server.enrollTill(await server.createVenue());
  tillB = await server.enrollTill(await server.createVenue());
});
afterAll(() => server.disposeBalanced());

const lookup = (till: TestTill, tag: string) =>
  server.json('GET', `/api/sync/wallets/${tag}`, till.deviceToken);

describeDb('a till looks up a wallet it has no snapshot of', () => {
  test("a guest of another venue: the till gets the wallet's balance, dated by the server", async () => {
    const tag = '100c0000a1';
    await tillA.push(server.send, [await tillA.topup(tag, 20_000), await tillA.sale(tag, 700)]);
    const res = await lookup(tillB, tag.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      nitetapId: tag,
      balanceNc: 19_300,
      xp: 7,
      level: 1,
      asOf: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Math.abs(Date.parse(res.body.asOf) - Date.now())).toBeLessThan(60_000);
    // A look-up is not a visit: venue B's pulls do not start sending the wallet.
    const pull = await server.json('GET', '/api/sync/pull', tillB.deviceToken);
    expect(pull.body.wallets.map((w: { nitetapId: string }) => w.nitetapId)).not.toContain(tag);
  });

  test('unknown is 404, blocked 409, a bad tag 400, no token 401, a revoked till 403', async () => {
    expect((await lookup(tillB, '100c0000ff')).status).toBe(404);
    expect((await lookup(tillB, 'not-a-tag')).status).toBe(400);
    expect((await server.json('GET', '/api/sync/wallets/100c0000ff')).status).toBe(401);
    const blocked = '100c0000b1';
    await tillA.push(server.send, [await tillA.topup(blocked, 500)]);
    expect(
      (await server.json('POST', `/api/admin/wallets/${blocked}/block`, server.rootToken)).status,
    ).toBe(200);
    const refused = await lookup(tillB, blocked);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/blocked/);

    const stolen = await server.enrollTill(await server.createVenue());
    await server.json('POST', `/api/admin/tills/${stolen.tillId}/revoke`, server.rootToken);
    expect((await lookup(stolen, '100c0000a1')).status).toBe(403);
  });

  test('a till reading tag after tag is cut off at 120 a minute', async () => {
    const scanner = await server.enrollTill(await server.createVenue());
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++)
      statuses.push((await lookup(scanner, `100d${String(i).padStart(6, '0')}`)).status);
    expect(statuses.slice(0, 120).every((s) => s === 404)).toBe(true);
    expect(statuses[120]).toBe(429);
    // Another till is not held back by it.
    expect((await lookup(tillB, '100c0000a1')).status).toBe(200);
  });
});
