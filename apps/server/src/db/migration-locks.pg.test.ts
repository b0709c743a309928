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

/** Migration 0008 alters `users`: a database migrated up to just before it. */
async function oneMigrationBehind() {
  const created = await createPostgresDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'niteos-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === '0008_staff_disable');
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  const sql = postgres(created.url, { max: 3, onnotice: () => {} });
  await migrate(drizzle(sql), { migrationsFolder: dir });
  rmSync(dir, { recursive: true, force: true });
  const hasColumn = async () =>
    (
      await sql`select 1 from information_schema.columns
        where table_name = 'users' and column_name = 'disabled_at'`
    ).length === 1;
  return { created, sql, hasColumn };
}

/** A transaction reading `users` (as pg_dump does) until `release` is called. */
async function longReader(url: string) {
  const reader = postgres(url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding!: () => void;
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const done = reader.begin(async (tx) => {
    await tx`select count(*) from users`;
    holding();
    await released;
  });
  await held;
  return {
    release: async () => {
      release();
      await done;
      await reader.end({ timeout: 5 });
    },
  };
}

describeDb('migrations and other sessions’ locks', () => {
  test('a migration behind a long reader waits in short tries: the tables stay usable, and it lands once the reader is done', async () => {
    const { created, sql, hasColumn } = await oneMigrationBehind();
    const dump = await longReader(created.url);
    const database = openPostgres(created.url, 1, { timeoutMs: 300, pauseMs: 200, attempts: 100 });
    try {
      const migrating = database.migrate();
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The release still serving reads the table while the migration waits its turn.
      const served = await sql.begin(async (tx) => {
        await tx`set local statement_timeout = 2000`;
        return tx`select count(*)::int as n from users`;
      });
      expect(served[0]?.n).toBe(0);
      expect(await hasColumn()).toBe(false);
      await dump.release();
      await migrating;
      expect(await hasColumn()).toBe(true);
    } finally {
      await database.close();
      await sql.end({ timeout: 5 });
      await created.drop();
    }
  });

  test('a migration that never gets its lock gives up with the reason and changes nothing', async () => {
    const { created, sql, hasColumn } = await oneMigrationBehind();
    const dump = await longReader(created.url);
    const database = openPostgres(created.url, 1, { timeoutMs: 100, pauseMs: 50, attempts: 3 });
    try {
      await expect(database.migrate()).rejects.toThrow(/waited 3 times .*a backup running\?/);
      expect(await hasColumn()).toBe(false);
    } finally {
      await dump.release();
      await database.close();
      await sql.end({ timeout: 5 });
      await created.drop();
    }
  });
});
