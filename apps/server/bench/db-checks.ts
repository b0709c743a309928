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
 * Checks, after the floor too, that every op row holds its envelope as
 * signed (text whose SHA-256 is its `canon_hash`) and every event payload
 * is a JSON object: a driver can store JSON text as a jsonb string, and the
 * row is then written, and costs, differently from what the product reads.
 */
export async function checkStoredShapes(db: Db): Promise<string[]> {
  const [row] = rowsOf<{ envelopes: unknown; payloads: unknown }>(
    await db.execute(sql`
      select (select count(*) from ops where signed is null or canon_hash <>
          translate(rtrim(encode(sha256(convert_to(signed, 'UTF8')), 'base64'), '='), '+/', '-_'))
          as envelopes,
        (select count(*) from analytics_outbox where jsonb_typeof(payload) <> 'object') as payloads`),
  );
  const envelopes = Number(row?.envelopes);
  const payloads = Number(row?.payloads);
  const problems: string[] = [];
  if (envelopes > 0) problems.push(`${envelopes} ops do not hold the envelope their hash names`);
  if (payloads > 0) problems.push(`${payloads} event payloads are not stored as JSON objects`);
  return problems;
}
