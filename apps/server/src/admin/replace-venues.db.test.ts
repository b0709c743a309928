import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.disposeBalanced());

describeDb('replacing a wristband used at two venues', () => {
  test("a Nitecore admin's replacement is known to both venues, and each till learns its balance", async () => {
    const [venueA, venueB] = [await server.createVenue(), await server.createVenue()];
    const [tillA, tillB] = [await server.enrollTill(venueA), await server.enrollTill(venueB)];
    const [adminA, adminB] = [
      (await server.userToken(Role.venueAdmin, venueA)).token,
      (await server.userToken(Role.venueAdmin, venueB)).token,
    ];
    const [lost, fresh] = ['beefcafe01', 'beefcafe02'];
    await tillA.push(server.send, [await tillA.topup(lost, 3000)]);
    await tillB.push(server.send, [await tillB.topup(lost, 2000)]);

    const res = await server.json('POST', `/api/admin/wallets/${lost}/replace`, server.rootToken, {
      newNitetapId: fresh,
    });
    expect(res.status).toBe(200);
    for (const admin of [adminA, adminB]) {
      const looked = await server.json('GET', `/api/wallets/${fresh}`, admin);
      expect(looked.status).toBe(200);
      expect(looked.body.balanceNc).toBe(5000);
    }
    for (const till of [tillA, tillB]) {
      const pull = await server.json('GET', '/api/sync/pull', till.deviceToken);
      expect(pull.body.wallets.map((w: { nitetapId: string }) => w.nitetapId)).toContain(fresh);
    }
  });
});
