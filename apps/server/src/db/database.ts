import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import * as tables from '@niteos/schema/tables';
import { type ExtractTablesWithRelations, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { hasSqlState } from './pg-error.ts';
import { preparingClient } from './prepared-statements.ts';

type Tables = typeof tables;

/** Drizzle over either driver: the queries are the same SQL on both. */
export type Db = PgDatabase<PgQueryResultHKT, Tables>;
export type Tx = PgTransaction<PgQueryResultHKT, Tables, ExtractTablesWithRelations<Tables>>;

/** The generated SQL migrations at the repository root. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../../drizzle', import.meta.url));

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where it lives, for logs and the health page (no password). */
  location: string;
  /** Applies pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Rows of a raw `execute`: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** How many migrations exist on disk and how many the database has applied. */
export async function migrationStatus(db: Db | Tx): Promise<{ expected: number; applied: number }> {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  // No migrations table yet: a fresh database, nothing applied. Asked first,
  // not caught as an error, which would end a transaction this runs in. Any
  // failure (server unreachable, no such database) is not an answer, and
  // saying "not migrated" would send whoever reads it the wrong way.
  const [table] = rowsOf<{ found: boolean }>(
    await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as found`),
  );
  if (!table?.found) return { expected, applied: 0 };
  const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return { expected, applied: rowsOf<{ n: number }>(result)[0]?.n ?? 0 };
}

/** lock_not_available: a statement gave up waiting for its lock (`lock_timeout`). */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * How migrations wait for their table locks. An ALTER TABLE queued behind
 * a long reader (the nightly pg_dump holds every table for minutes) makes
 * every later query on that table queue behind it, so the release still
 * serving would stop answering pushes. A migration waits `timeoutMs` for a
 * lock at most, rolls back and tries again after `pauseMs`, so the queue
 * clears between tries; after `attempts` it fails and the deploy stops.
 */
export const MIGRATION_LOCKS = { timeoutMs: 5_000, pauseMs: 5_000, attempts: 12 };

/** Connects to PostgreSQL at `url`. */
export function openPostgres(
  url: string,
  poolSize = 10,
  migrationLocks = MIGRATION_LOCKS,
): Database {
  const client = postgres(url, { max: poolSize, onnotice: () => {} });
  const db = drizzlePostgres(preparingClient(client), { schema: tables });
  const parsed = new URL(url);
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    location: `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    async migrate() {
      // One connection holds a session lock so concurrent starts migrate once.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(7314205)`;
        // Only once the advisory lock is held: a second server waits out the first's migrations.
        await single.unsafe(`set lock_timeout = ${Math.round(migrationLocks.timeoutMs)}`);
        for (let attempt = 1; ; attempt += 1) {
          try {
            await migratePostgres(drizzlePostgres(single), { migrationsFolder: MIGRATIONS_FOLDER });
            break;
          } catch (err) {
            if (!hasSqlState(err, LOCK_NOT_AVAILABLE)) throw err;
            if (attempt >= migrationLocks.attempts)
              throw new Error(
                `migrations waited ${attempt} times for a table another session holds (a backup running?): try again once it is done`,
                { cause: err },
              );
            await new Promise((resolve) => setTimeout(resolve, migrationLocks.pauseMs));
          }
        }
        await single`select pg_advisory_unlock(7314205)`;
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Holds a lock the kernel drops when this process dies: an abstract Unix
 * socket named after the folder (Linux). Null when another process holds
 * it. Abstract sockets live in a network namespace: processes in two
 * containers sharing the folder do not see each other's (nor each other's
 * pids); run those on PostgreSQL. A pid file alone cannot be taken over atomically: two processes that
 * found the same stale one both took it. Elsewhere, the pid file only.
 */
async function holdKernelLock(
  dir: string,
): Promise<{ release: () => void; proves: boolean } | null> {
  if (process.platform !== 'linux') return { release: () => {}, proves: false };
  // Named by device and inode, not path: a bind mount reaches the same folder by another path.
  const { dev, ino } = statSync(dir);
  const id = createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 40);
  const server = createServer();
  server.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(`\0niteos-pglite-${id}`, resolve);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return null;
    throw err;
  }
  return { release: () => server.close(), proves: true };
}

/**
 * PGlite is single-process: a second process on the same files corrupts
 * them. A pid file says who has the folder; a stale one (its process
 * died, e.g. SIGKILL) is taken over, under the kernel lock so that only one
 * of two processes starting together can. Returns the release function.
 */
async function lockDataDir(dir: string): Promise<() => void> {
  const lockPath = path.join(dir, 'niteos.pid');
  const inUse = (holder: number | string) =>
    new Error(
      `the embedded database in ${dir} is in use by process ${holder}: stop it first (PGlite allows one process; set DATABASE_URL to run several)`,
    );
  const kernel = await holdKernelLock(dir);
  if (!kernel) {
    let holder = '';
    try {
      holder = readFileSync(lockPath, 'utf8').trim();
    } catch {
      // Gone between its holder's start and here: the message names no pid.
    }
    throw inUse(holder || 'unknown');
  }
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      kernel.release();
      throw err;
    }
    // With the kernel lock held no live NiteOS has the folder, whatever the
    // file says: after a crash or reboot its pid may name another program.
    const holder = Number(readFileSync(lockPath, 'utf8'));
    if (!kernel.proves && holder && holder !== process.pid && processAlive(holder)) {
      kernel.release();
      throw inUse(holder);
    }
    writeFileSync(lockPath, String(process.pid));
  }
  return () => {
    rmSync(lockPath, { force: true });
    kernel.release();
  };
}

/**
 * A folder that holds files but no PGlite database (no PG_VERSION) is
 * damaged or is not ours: PGlite would quietly create a new, empty
 * database over it, and the server seed demo data there.
 */
function checkDataFolder(where: string, create: boolean) {
  const entries = existsSync(where) ? readdirSync(where) : [];
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new Error(
      `${where} holds files but no embedded database (PG_VERSION is missing): it may be damaged; move it aside or restore it rather than start a new database over it`,
    );
  }
  if (!create && entries.length === 0) throw noDatabase(where);
}

const noDatabase = (where: string) =>
  new Error(
    `there is no embedded database in ${where}: check NITEOS_DATA_DIR, or set DATABASE_URL`,
  );

/**
 * Opens embedded PGlite in `dataDir`, or in memory for `memory://`. Created
 * when missing unless `create` is false (tools that only read it).
 */
export async function openPglite(dataDir: string, { create = true } = {}): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const where = inMemory ? dataDir : path.resolve(dataDir, 'pglite');
  let release = () => {};
  if (!inMemory) {
    if (!create && !existsSync(where)) throw noDatabase(where);
    // Locked before it is looked at: a process creating the database there
    // leaves it without PG_VERSION for a moment.
    mkdirSync(where, { recursive: true });
    release = await lockDataDir(path.dirname(where));
    try {
      checkDataFolder(where, create);
    } catch (err) {
      release();
      throw err;
    }
  }
  const client = await PGlite.create(where).catch((err: unknown) => {
    release();
    throw err;
  });
  const db = drizzlePglite(client, { schema: tables });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    location: where,
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close().finally(release),
  };
}

/** PostgreSQL when a URL is configured, embedded PGlite otherwise (see `openPglite` for `create`). */
export function openDatabase(
  config: {
    databaseUrl: string | null;
    dataDir: string;
    dbPoolSize: number;
  },
  options: { create?: boolean } = {},
): Promise<Database> {
  return config.databaseUrl
    ? Promise.resolve(openPostgres(config.databaseUrl, config.dbPoolSize))
    : openPglite(config.dataDir, options);
}
