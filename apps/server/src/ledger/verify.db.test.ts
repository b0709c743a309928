import { sql } from 'drizzle-orm';
import { afterEach, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { verifyLedger } from './verify.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

/** A server whose books hold a top-up and a sale on one wallet; the sale's op id. */
async function booksWithASale(): Promise<{ db: TestServer['database']['db']; saleId: string }> {
  server = await startTestServer();
  const till = await server.enrollTill(await server.createVenue());
  const topup = await till.topup('ab5e000001', 2_000);
  const sale = await till.sale('ab5e000001', 700);
  const { body } = await till.push(server.send, [topup, sale]);
  expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
  const db = server.database.db;
  expect(await verifyLedger(db)).toMatchObject({
    ok: true,
    repeatedEntries: [],
    unknownAccounts: [],
  });
  return { db, saleId: sale.envelope.id };
}

describeDb('ledger:verify', () => {
  test('a balance that is not the sum of its lines is a mismatch', async () => {
    const { db } = await booksWithASale();
    await db.execute(sql`
      update accounts set balance_nc = balance_nc + case when kind = 'wallet' then 100 else -100 end
      where kind in ('wallet', 'issuance')`);
    const report = await verifyLedger(db);
    expect(report.ok).toBe(false);
    expect(report.balanceSum).toBe(0);
    expect(report.mismatched).toHaveLength(2);
  });

  test('a sale applied twice, its balances moved twice to match, is caught though every sum is 0', async () => {
    const { db, saleId } = await booksWithASale();
    await db.execute(sql`
      insert into ledger_lines (op_id, conflict_id, account_id, amount_nc)
      select op_id, conflict_id, account_id, amount_nc from ledger_lines where op_id = ${saleId}`);
    await db.execute(sql`
      update accounts a set balance_nc = a.balance_nc + l.amount_nc
      from (select distinct on (account_id) account_id, amount_nc from ledger_lines where op_id = ${saleId}) l
      where a.id = l.account_id`);
    const report = await verifyLedger(db);
    expect(report).toMatchObject({
      balanceSum: 0,
      lineSum: 0,
      mismatched: [],
      unbalancedEntries: [],
    });
    expect(report.ok).toBe(false);
    expect(report.repeatedEntries).toHaveLength(2);
    expect(report.repeatedEntries[0]).toMatchObject({ opId: saleId, conflictId: null, lines: 2 });
  });

  test('lines posted to accounts that do not exist are caught, balanced as they are', async () => {
    const { db } = await booksWithASale();
    await db.execute(sql`
      insert into ledger_lines (op_id, conflict_id, account_id, amount_nc)
      values ('ghost-op', null, 'write_off:nowhere', -500), ('ghost-op', null, 'venue_revenue:nowhere', 500)`);
    const report = await verifyLedger(db);
    expect(report).toMatchObject({ lineSum: 0, unbalancedEntries: [], repeatedEntries: [] });
    expect(report.ok).toBe(false);
    expect(report.unknownAccounts).toEqual([
      { accountId: 'venue_revenue:nowhere', lines: 1, sumNc: 500 },
      { accountId: 'write_off:nowhere', lines: 1, sumNc: -500 },
    ]);
  });
});
