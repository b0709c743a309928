import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../src/db/database.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import type { BackendResult } from './push-report.ts';
import type { Plan } from './workload.ts';

/** Checks what the database holds after the run: every op applied, each wallet's balance, the books. */
export async function checkDatabase(
  db: Db,
  plans: Plan[],
  expectedOps: number,
): Promise<{ problems: string[]; ledger: BackendResult['ledger'] }> {
  const problems: string[] = [];
  const [counts] = rowsOf<{ total: unknown; applied: unknown }>(
    await db.execute(
      sql`select count(*) as total, count(*) filter (where status = 'applied') as applied from ops`,
    ),
  );
  const total = Number(counts?.total);
  const applied = Number(counts?.applied);
  if (total !== expectedOps || applied !== expectedOps) {
    problems.push(`database holds ${total} ops (${applied} applied), expected ${expectedOps}`);
  }
  const balances = new Map(
    rowsOf<{ nitetap_id: string; balance_nc: unknown }>(
      await db.execute(sql`
        select w.nitetap_id, a.balance_nc from wallets w join accounts a on a.id = w.account_id`),
    ).map((r) => [r.nitetap_id, Number(r.balance_nc)]),
  );
  let wrong = 0;
  for (const [tag, expected] of plans.flatMap((p) => [...p.expectedBalance])) {
    const got = balances.get(tag);
    if (got !== expected) {
      if (wrong < 5) problems.push(`wallet ${tag}: balance ${got}, expected ${expected}`);
      wrong++;
    }
  }
  if (wrong > 5) problems.push(`… ${wrong} wallets with a wrong balance in all`);
  const report = await verifyLedger(db);
  if (!report.ok) {
    problems.push(
      `verifyLedger failed: balanceSum ${report.balanceSum}, lineSum ${report.lineSum}, ` +
        `${report.mismatched.length} mismatched accounts, ${report.unbalancedEntries.length} unbalanced entries`,
    );
  }
  return { problems, ledger: { ok: report.ok, accounts: report.accounts, lines: report.lines } };
}

/**
 * Checks, after the floor too, that every envelope and event payload is
 * stored as a JSON object. A driver can store JSON text as a jsonb string:
 * the row is written, and costs, differently from what the product reads.
 */
export async function checkJsonShapes(db: Db): Promise<string[]> {
  const [row] = rowsOf<{ envelopes: unknown; payloads: unknown }>(
    await db.execute(sql`
      select (select count(*) from ops where jsonb_typeof(envelope) <> 'object') as envelopes,
        (select count(*) from analytics_outbox where jsonb_typeof(payload) <> 'object') as payloads`),
  );
  const envelopes = Number(row?.envelopes);
  const payloads = Number(row?.payloads);
  return envelopes + payloads > 0
    ? [`${envelopes} envelopes and ${payloads} event payloads are not stored as JSON objects`]
    : [];
}
