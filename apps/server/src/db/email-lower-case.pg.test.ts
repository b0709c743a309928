import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '@niteos/test-support';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { MIGRATIONS_FOLDER, openPostgres } from './database.ts';
import { hasSqlState } from './pg-error.ts';

const CHECK_VIOLATION = '23514';

/** A copy of the migrations folder that stops before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'niteos-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const insertUser = (sql: postgres.Sql, email: string) =>
  sql`insert into users (id, email, password_hash, role) values (${email}, ${email}, 'x', 'guest')`;

describeDb('users.email is stored lower-cased', () => {
  test('the migration folds an older mixed-case email, and the database refuses new ones', async () => {
    const created = await createPostgresDatabase();
    const older = migrationsBefore('0007_users_email_lower_case');
    const sql = postgres(created.url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(sql), { migrationsFolder: older });
      await insertUser(sql, 'Old.Guest@Example.COM');

      const database = openPostgres(created.url, 1);
      await database.migrate();
      await database.close();

      const rows = await sql<{ email: string }[]>`select email from users`;
      expect(rows.map((r) => r.email)).toEqual(['old.guest@example.com']);
      const refused = await insertUser(sql, 'New.Guest@Example.com').then(
        () => null,
        (e: unknown) => e,
      );
      expect(hasSqlState(refused, CHECK_VIOLATION)).toBe(true);
    } finally {
      await sql.end({ timeout: 5 });
      rmSync(older, { recursive: true, force: true });
      await created.drop();
    }
  });
});
