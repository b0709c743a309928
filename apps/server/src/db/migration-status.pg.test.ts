import { createPostgresDatabase } from '@niteos/test-support';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { migrationStatus, openPostgres } from './database.ts';
import { hasSqlState } from './pg-error.ts';

/** SQLSTATE of a connection to a database that does not exist. */
const INVALID_CATALOG_NAME = '3D000';

describeDb('migration status', () => {
  test('a fresh database has none applied; one that cannot be reached is an error, not "none"', async () => {
    const created = await createPostgresDatabase();
    const fresh = openPostgres(created.url, 1);
    try {
      const status = await migrationStatus(fresh.db);
      expect(status.applied).toBe(0);
      expect(status.expected).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
    await created.drop();

    // The database is gone now: the check must say so, not report it unmigrated.
    const gone = openPostgres(created.url, 1);
    try {
      const err = await migrationStatus(gone.db).then(
        () => null,
        (e: unknown) => e,
      );
      expect(hasSqlState(err, INVALID_CATALOG_NAME)).toBe(true);
    } finally {
      await gone.close();
    }
  });
});
