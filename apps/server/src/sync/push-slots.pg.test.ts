import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Db } from '../db/database.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

/** Counts the push transactions open at once on `db` (its `transaction` is wrapped). */
function countOpenTransactions(db: Db) {
  const original = db.transaction.bind(db);
  const seen = { open: 0, most: 0 };
  db.transaction = (async (work: Parameters<Db['transaction']>[0]) => {
    seen.open++;
    seen.most = Math.max(seen.most, seen.open);
    try {
      return await original(work);
    } finally {
      seen.open--;
    }
  }) as Db['transaction'];
  return seen;
}

/**
 * Six tills push a topup and 20 sales each, all at once; every op must be
 * applied. Returns the most transactions open at once during the pushes.
 */
async function pushFromSixTills(server: TestServer): Promise<number> {
  const venueId = await server.createVenue();
  const tills = await Promise.all(Array.from({ length: 6 }, () => server.enrollTill(venueId)));
  const pushes = await Promise.all(
    tills.map(async (till, t) => {
      const tag = `c0ffee${String(t).padStart(10, '0')}`;
      const ops = [await till.topup(tag, 10_000)];
      for (let i = 0; i < 20; i++) ops.push(await till.sale(tag, 100));
      return ops;
    }),
  );
  const seen = countOpenTransactions(server.database.db);
  const replies = await Promise.all(
    tills.map((till, t) => till.push(server.send, pushes[t] ?? [])),
  );
  for (const reply of replies) {
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r) => r.status)).toEqual(Array(21).fill('applied'));
  }
  return seen.most;
}

let limited: TestServer;
let unlimited: TestServer;

beforeAll(async () => {
  [limited, unlimited] = await Promise.all([
    startTestServer({ deps: { pushTransactions: 2 } }),
    startTestServer(),
  ]);
});
afterAll(() => Promise.all([limited.disposeBalanced(), unlimited.disposeBalanced()]));

describeDb('push transactions open at once', () => {
  test('no more than the limit are open; the pushes beyond it wait and then apply', async () => {
    expect(await pushFromSixTills(limited)).toBe(2);
  });

  test('without a limit the same pushes open more at once (so the test above can fail)', async () => {
    expect(await pushFromSixTills(unlimited)).toBeGreaterThan(2);
  });
});
