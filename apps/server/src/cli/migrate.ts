import { migrationStatus, openDatabase } from '../db/database.ts';
import { readConfig } from '../env.ts';
import { runCli } from './run.ts';

/** `pnpm db:migrate`: applies pending migrations to the configured database. */
runCli(
  'usage: pnpm db:migrate\n' +
    '  applies pending migrations to the database DATABASE_URL names (or the embedded one\n' +
    '  in NITEOS_DATA_DIR, created if missing)',
  async () => {
    const config = readConfig();
    const database = await openDatabase(config);
    try {
      await database.migrate();
      const status = await migrationStatus(database.db);
      process.stdout.write(
        `migrations on ${database.kind} (${database.location}): ${status.applied} of ${status.expected} applied\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
);
