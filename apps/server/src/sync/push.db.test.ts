import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

describeDb('push: the happy path', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  test('a topup creates the wallet and an NC sale debits it', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const topup = await till.topup('AABBCCDD11', 5000);
    const sale = await till.sale('aabbccdd11', 1200);
    const { status, body } = await till.push(server.send, [topup, sale]);
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.status, r.balanceNc])).toEqual([
      ['applied', 5000],
      ['applied', 3800],
    ]);
    expect(body.results[1]?.xp).toBe(12);
  });
});
