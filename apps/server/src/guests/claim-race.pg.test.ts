import { claimCode } from '@niteos/ledger-core';
import { wallets } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

async function register(email: string): Promise<string> {
  const res = await server.json('POST', '/api/auth/register', null, {
    email,
    password: 'guest-password',
  });
  expect(res.status).toBe(201);
  return res.body.accessToken;
}

describeDb('claiming a wristband, concurrently', () => {
  test('two guests who both read it unclaimed: the one whose claim lands second gets 409', async () => {
    const till = await server.enrollTill(await server.createVenue());
    const tag = 'c1a1c1a1d1';
    const topup = await till.topup(tag, 700);
    await till.push(server.send, [topup]);
    const code = claimCode(topup.sig);
    const guests = [await register('race-a@niteos.test'), await register('race-b@niteos.test')];

    // Hold the wallet row so both claims read it unclaimed and then queue on
    // their UPDATEs; release once both wait, and the second finds it taken.
    const claims = await queuedBehind(
      server.database.db,
      (tx) => tx.select().from(wallets).where(eq(wallets.nitetapId, tag)).for('update'),
      guests.map(
        (token) => () => server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code }),
      ),
    );

    expect(claims.map((c) => c.status).sort()).toEqual([200, 409]);
    const loser = guests[claims.findIndex((c) => c.status === 409)] as string;
    expect((await server.json('GET', '/api/me/wallets', loser)).body.wallets).toEqual([]);
  });
});
