import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Db } from '../db/database.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { lockWaiters } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.enrollTill(await server.createVenue());
});
afterAll(() => server.dispose());

/** Runs `check` while another transaction holds the tills table, as a migration's ALTER TABLE would. */
async function whileTillsLocked(db: Db, check: () => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holder = db.transaction(async (tx) => {
    await tx.execute(sql`lock table tills in access exclusive mode`);
    locked();
    await released;
  });
  try {
    await isLocked;
    await check();
  } finally {
    release();
    await holder;
  }
}

describeDb('the ops page behind a table lock', () => {
  test('reads the page gave up on are cancelled, not left holding connections', async () => {
    const db = server.database.db;
    await whileTillsLocked(db, async () => {
      for (let i = 0; i < 2; i++) {
        const page = await (await server.send('/health')).text();
        expect(page).toContain('id="fleet-unavailable"');
        expect(page).toContain('statement timeout');
      }
      // Each refresh's fleet query was cancelled by the database, not left queued on the lock.
      await new Promise((r) => setTimeout(r, 300));
      expect(await lockWaiters(db)).toBe(0);
    });
    expect(await (await server.send('/health')).text()).not.toContain('fleet-unavailable');
  });
});

describeDb('the metrics scrape behind a table lock', () => {
  test('a gauge read the scrape gave up on is cancelled, not left holding a connection', async () => {
    const db = server.database.db;
    await whileTillsLocked(db, async () => {
      const scrape = await (await server.send('/metrics')).text();
      expect(scrape).toMatch(/^niteos_tills_active nan$/im);
      await new Promise((r) => setTimeout(r, 300));
      expect(await lockWaiters(db)).toBe(0);
    });
    // The next scrape (a second on) reads again, and the lock is gone.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await (await server.send('/metrics')).text()).toMatch(/^niteos_tills_active 1$/m);
  });
});
