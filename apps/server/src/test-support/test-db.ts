import { createPostgresDatabase } from '@niteos/test-support';
import { type Database, openPglite, openPostgres } from '../db/database.ts';

export {
  createPostgresDatabase,
  postgresAdminUrl,
  postgresUnavailable,
} from '@niteos/test-support';

/**
 * Fresh, migrated databases for tests: in-memory PGlite, or a new database
 * with a random name on the real PostgreSQL, dropped afterwards.
 */
export type TestDbKind = 'pglite' | 'postgres';

export const testDbKind: TestDbKind =
  process.env.NITEOS_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  database: Database;
  /** Closes connections and removes the database. */
  dispose(): Promise<void>;
}

export async function openTestDatabase(kind: TestDbKind = testDbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openPglite('memory://');
    await database.migrate();
    return { database, dispose: () => database.close() };
  }
  const created = await createPostgresDatabase();
  const database = openPostgres(created.url, 10);
  await database.migrate();
  return {
    database,
    async dispose() {
      await database.close();
      await created.drop();
    },
  };
}
