import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { lockWaiters } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.enrollTill(await server.createVenue());
});
afterAll(() => server.dispose());

describeDb('the ops page behind a table lock', () => {
  test('reads the page gave up on are cancelled, not left holding connections', async () => {
    const db = server.database.db;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // A migration's ALTER TABLE, say, holding the tills table.
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`lock table tills in access exclusive mode`);
      locked();
      await released;
    });
    try {
      await isLocked;
      for (let i = 0; i < 2; i++) {
        const page = await (await server.send('/health')).text();
        expect(page).toContain('id="fleet-unavailable"');
        expect(page).toContain('statement timeout');
      }
      // Each refresh's fleet query was cancelled by the database, not left queued on the lock.
      await new Promise((r) => setTimeout(r, 300));
      expect(await lockWaiters(db)).toBe(0);
    } finally {
      release();
      await holder;
    }
    expect(await (await server.send('/health')).text()).not.toContain('fleet-unavailable');
  });
});
