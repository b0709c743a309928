import { randomUUID } from 'node:crypto';
import { accountId } from '@niteos/ledger-core';
import { ledgerLines, ops } from '@niteos/schema/tables';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rowsOf } from '../db/database.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { SignedOp, TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let venueId: string;

beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
});
afterAll(() => server.disposeBalanced());

/** Resolves once a backend of this database waits on a row lock. */
async function someoneWaitsOnALock() {
  for (let i = 0; i < 200; i++) {
    const [row] = rowsOf<{ n: number }>(
      await server.database.db.execute(sql`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`),
    );
    if (row && row.n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no push ever waited on the wallet lock');
}

/**
 * Pushes `op` while another transaction holds the wallet's lock and, before
 * letting go, takes `spentNc` out of it in a balanced entry of its own: the
 * push decides first on the balance it read unlocked, then again under the lock.
 */
async function pushWhileWalletSpent(till: TestTill, tag: string, op: SignedOp, spentNc: number) {
  let pushing: ReturnType<typeof till.push> | undefined;
  await server.database.db.transaction(async (tx) => {
    await tx.execute(sql`
      select 1 from wallets w join accounts a on a.id = w.account_id
      where w.nitetap_id = ${tag} for update of w, a`);
    // The push reads the balance unlocked, writes its op as decided on it, then waits here.
    pushing = till.push(server.send, [op]);
    await someoneWaitsOnALock();
    const wallet = accountId({ kind: 'wallet', nitetapId: tag });
    const issuance = accountId({ kind: 'issuance', venueId });
    const entry = `test-${randomUUID()}`;
    await tx.execute(
      sql`update accounts set balance_nc = balance_nc - ${spentNc} where id = ${wallet}`,
    );
    await tx.execute(
      sql`update accounts set balance_nc = balance_nc + ${spentNc} where id = ${issuance}`,
    );
    await tx.insert(ledgerLines).values([
      { opId: entry, accountId: wallet, amountNc: -spentNc },
      { opId: entry, accountId: issuance, amountNc: spentNc },
    ]);
  });
  if (!pushing) throw new Error('push never started');
  return pushing;
}

describeDb('push: decisions made before the wallet locks are corrected under them', () => {
  test('a sale the wallet covered until another transaction spent it first is held, with no ledger lines', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'a1b1c1d1e1f10001';
    await till.push(server.send, [await till.topup(tag, 1000)]);
    const sale = await till.sale(tag, 800);
    const { body } = await pushWhileWalletSpent(till, tag, sale, 500);

    expect(body.results[0]).toMatchObject({
      status: 'held',
      reason: 'insufficient_funds',
      balanceNc: 500,
    });
    const [row] = await server.database.db.select().from(ops).where(eq(ops.id, sale.envelope.id));
    expect([row?.status, row?.standing, row?.appliedNc, row?.resultBalanceNc]).toEqual([
      'held',
      'held',
      0,
      500,
    ]);
    const lines = await server.database.db
      .select()
      .from(ledgerLines)
      .where(eq(ledgerLines.opId, sale.envelope.id));
    expect(lines).toEqual([]);
    const again = await till.push(server.send, [sale]);
    expect(again.body.results[0]).toMatchObject({ status: 'held', duplicate: true });
  });

  test('a sale still covered after another transaction spent from the wallet records the balance it left', async () => {
    const till = await server.enrollTill(venueId);
    const tag = 'a1b1c1d1e1f10002';
    await till.push(server.send, [await till.topup(tag, 1000)]);
    const sale = await till.sale(tag, 300);
    const { body } = await pushWhileWalletSpent(till, tag, sale, 500);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 200 });
    // A till whose reply was lost sends the sale again: it must learn the same balance.
    const again = await till.push(server.send, [sale]);
    expect(again.body.results[0]).toMatchObject({
      status: 'applied',
      duplicate: true,
      balanceNc: 200,
    });
  });
});
