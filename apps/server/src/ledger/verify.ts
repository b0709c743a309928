import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/database.ts';

export interface LedgerReport {
  ok: boolean;
  accounts: number;
  lines: number;
  /** Σ of every account balance; must be 0. */
  balanceSum: number;
  /** Σ of every ledger line; must be 0. */
  lineSum: number;
  /** Accounts whose stored balance is not the sum of their lines. */
  mismatched: { accountId: string; balanceNc: number; linesNc: number }[];
  /** Ops (or resolutions) whose own lines do not sum to 0. */
  unbalancedEntries: { opId: string; conflictId: string | null; sumNc: number }[];
  /**
   * Entries that post to one account more than once. No op or resolution
   * does: this is how an entry written twice (an op applied twice, its
   * balances moved twice to match) shows, balanced as it is.
   */
  repeatedEntries: { opId: string; conflictId: string | null; accountId: string; lines: number }[];
  /** Lines posted to an account that does not exist (no balance to check them against). */
  unknownAccounts: { accountId: string; lines: number; sumNc: number }[];
}

/**
 * Recomputes every balance from the ledger lines and checks the books:
 * all accounts sum to 0, each entry balances and posts to each of its
 * accounts once, each line's account exists, each balance matches its row.
 */
export async function verifyLedger(db: Db): Promise<LedgerReport> {
  const n = (v: unknown) => Number(v ?? 0);
  const [totals] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select (select count(*) from accounts) as accounts,
             (select count(*) from ledger_lines) as lines,
             (select coalesce(sum(balance_nc), 0) from accounts) as balance_sum,
             (select coalesce(sum(amount_nc), 0) from ledger_lines) as line_sum`),
  );
  const mismatched = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select a.id, a.balance_nc, coalesce(l.total, 0) as lines_nc
      from accounts a
      left join (select account_id, sum(amount_nc) as total from ledger_lines group by account_id) l
        on l.account_id = a.id
      where a.balance_nc <> coalesce(l.total, 0)
      order by a.id limit 1000`),
  ).map((r) => ({ accountId: String(r.id), balanceNc: n(r.balance_nc), linesNc: n(r.lines_nc) }));
  const unbalancedEntries = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select op_id, conflict_id, sum(amount_nc) as total from ledger_lines
      group by op_id, conflict_id having sum(amount_nc) <> 0
      order by op_id limit 1000`),
  ).map((r) => ({
    opId: String(r.op_id),
    conflictId: r.conflict_id === null ? null : String(r.conflict_id),
    sumNc: n(r.total),
  }));
  const repeatedEntries = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select op_id, conflict_id, account_id, count(*) as n from ledger_lines
      group by op_id, conflict_id, account_id having count(*) > 1
      order by op_id limit 1000`),
  ).map((r) => ({
    opId: String(r.op_id),
    conflictId: r.conflict_id === null ? null : String(r.conflict_id),
    accountId: String(r.account_id),
    lines: n(r.n),
  }));
  const unknownAccounts = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select l.account_id, count(*) as n, sum(l.amount_nc) as total
      from ledger_lines l left join accounts a on a.id = l.account_id
      where a.id is null group by l.account_id order by l.account_id limit 1000`),
  ).map((r) => ({ accountId: String(r.account_id), lines: n(r.n), sumNc: n(r.total) }));
  const balanceSum = n(totals?.balance_sum);
  const lineSum = n(totals?.line_sum);
  return {
    ok:
      balanceSum === 0 &&
      lineSum === 0 &&
      mismatched.length === 0 &&
      unbalancedEntries.length === 0 &&
      repeatedEntries.length === 0 &&
      unknownAccounts.length === 0,
    accounts: n(totals?.accounts),
    lines: n(totals?.lines),
    balanceSum,
    lineSum,
    mismatched,
    unbalancedEntries,
    repeatedEntries,
    unknownAccounts,
  };
}
