import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { revokeTillIn } from '../tills/service.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.disposeBalanced());

describeDb('revoking a till while it pushes', () => {
  test('a push that reaches the till as it is revoked is held, not applied after the revocation', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = 'f0f0f0f0a1';
    await till.push(server.send, [await till.topup(tag, 5000)]);
    const cashout = await till.sign({
      op: 'cashout',
      nitetapId: tag,
      tender: 'cash',
      amountNc: 4000,
      amountChf: 4000,
    });

    // The admin's revocation is made but not committed when the push starts.
    const admin = { id: 'admin', role: Role.nitecoreAdmin, venueId: null };
    const [reply] = await queuedBehind(
      server.database.db,
      (tx) => revokeTillIn(tx, till.tillId, admin, null),
      [() => till.push(server.send, [cashout])],
    );
    expect(reply?.body.results[0]).toMatchObject({ status: 'held', reason: 'revoked_till' });
    const wallet = await server.json('GET', `/api/wallets/${tag}`, server.rootToken);
    expect(wallet.body.balanceNc).toBe(5000);
  });
});
