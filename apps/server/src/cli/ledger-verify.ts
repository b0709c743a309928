import { migrationStatus, openDatabase } from '../db/database.ts';
import { readConfig } from '../env.ts';
import { verifyLedger } from '../ledger/verify.ts';
import { runCli } from './run.ts';

/** `pnpm ledger:verify`: exit 0 when the books balance, 1 with what differs, 2 when it cannot tell. */
runCli(
  'usage: pnpm ledger:verify\n' +
    '  recomputes every balance from the ledger lines of the database DATABASE_URL names\n' +
    '  (or the embedded one in NITEOS_DATA_DIR); exit 0 balanced, 1 not, 2 cannot tell',
  async () => {
    const config = readConfig();
    // Reading only: a mistyped NITEOS_DATA_DIR must not create an empty database that "balances".
    const database = await openDatabase(config, { create: false });
    try {
      const status = await migrationStatus(database.db);
      if (status.applied < status.expected) {
        throw new Error(
          `the database at ${database.location} is not migrated (${status.applied} of ${status.expected}): run pnpm db:migrate or start the server first`,
        );
      }
      const report = await verifyLedger(database.db);
      const out = process.stdout;
      out.write(`ledger on ${database.kind} (${database.location})\n`);
      out.write(`  accounts ${report.accounts}, lines ${report.lines}\n`);
      out.write(`  sum of balances ${report.balanceSum}, sum of lines ${report.lineSum}\n`);
      for (const m of report.mismatched) {
        out.write(`  MISMATCH ${m.accountId}: balance ${m.balanceNc}, lines say ${m.linesNc}\n`);
      }
      for (const u of report.unbalancedEntries) {
        out.write(
          `  UNBALANCED op ${u.opId}${u.conflictId ? ` (resolution ${u.conflictId})` : ''}: sums to ${u.sumNc}\n`,
        );
      }
      for (const r of report.repeatedEntries) {
        out.write(
          `  REPEATED op ${r.opId}${r.conflictId ? ` (resolution ${r.conflictId})` : ''}: ${r.lines} lines on ${r.accountId} (written twice?)\n`,
        );
      }
      for (const u of report.unknownAccounts) {
        out.write(`  NO ACCOUNT ${u.accountId}: ${u.lines} lines, ${u.sumNc} NC\n`);
      }
      out.write(report.ok ? 'OK: the books balance\n' : 'FAILED: the books do not balance\n');
      return report.ok ? 0 : 1;
    } finally {
      await database.close();
    }
  },
);
