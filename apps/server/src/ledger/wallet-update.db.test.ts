import { wallets } from '@niteos/schema/tables';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { updateWallets } from './queries.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.disposeBalanced());

describeDb('wallet updates under the locks', () => {
  test('a balance change is dated when it is written, not when its transaction began', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = 'd0d0d0d0d0d0d0d0';
    await till.push(server.send, [await till.topup(tag, 1_000)]);
    const lag = await server.database.db.transaction(async (tx) => {
      // A push held up (by a lock, a long index build) before it writes its balances.
      await tx.execute(sql`select pg_sleep(0.3)`);
      await updateWallets(tx, new Map([[tag, { balanceNc: 1_000, xp: 0, blocked: false }]]));
      const [row] = await tx
        .select({
          lagMs: sql<number>`extract(epoch from ${wallets.updatedAt} - transaction_timestamp()) * 1000`,
        })
        .from(wallets)
        .where(eq(wallets.nitetapId, tag));
      return Number(row?.lagMs);
    });
    expect(lag).toBeGreaterThanOrEqual(250);
  });
});
