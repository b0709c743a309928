import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inCi } from './ci.ts';

/**
 * Real PostgreSQL for tests: each test makes its own database with a
 * random name and drops it, so no run depends on another's state.
 */

/** The server to make test databases on (trust auth on this machine). */
export const postgresAdminUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL cannot be reached at `postgresAdminUrl`, or null when it can. */
export async function postgresProblem(): Promise<string | null> {
  const admin = postgres(postgresAdminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/**
 * Why the real-PostgreSQL suites cannot run here, or null when they can.
 * Under CI they must run: an unreachable server fails the run loudly.
 */
export async function postgresUnavailable(): Promise<string | null> {
  const problem = await postgresProblem();
  if (problem && inCi()) {
    throw new Error(`CI requires PostgreSQL at ${postgresAdminUrl}: ${problem}`);
  }
  return problem;
}

/** A URL for a new empty PostgreSQL database, and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `niteos_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * Runs one statement on the database at `url`: for a state no real client
 * can bring about from a browser test (a test says so where it uses it).
 */
export async function runSql(url: string, statement: string, params: string[] = []) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await client.unsafe(statement, params);
  } finally {
    await client.end();
  }
}
