import { randomUUID } from 'node:crypto';
import { accounts, marketItems, tills, users, venues } from '@niteos/schema/tables';
import { eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Db } from '../db/database.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/test-db.ts';
import { seedDemo } from './demo.ts';

let testDb: TestDatabase;
let db: Db;

beforeEach(async () => {
  testDb = await openTestDatabase();
  db = testDb.database.db;
});
afterEach(async () => {
  await testDb.dispose();
});

async function rowCounts() {
  return {
    venues: (await db.select().from(venues)).length,
    items: (await db.select().from(marketItems)).length,
    users: (await db.select().from(users)).length,
    tills: (await db.select().from(tills)).length,
    wallets: (await db.select().from(accounts).where(like(accounts.id, 'w:%'))).length,
  };
}

describeDb('demo seeding', () => {
  test('seeds a venue whose wallets hold the demo balances, then never again', async () => {
    const demo = await seedDemo(db);
    expect(demo?.logins.map((l) => l.email)).toEqual([
      'manager@demo.niteos.app',
      'bar@demo.niteos.app',
    ]);
    const balances = await db
      .select({ id: accounts.id, balanceNc: accounts.balanceNc })
      .from(accounts)
      .where(like(accounts.id, 'w:%'));
    expect(balances.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      demo?.wallets.map((w) => ({ id: `w:${w.nitetapId}`, balanceNc: w.balanceNc })),
    );

    expect(await seedDemo(db)).toBeNull();
    expect(await rowCounts()).toEqual({ venues: 1, items: 8, users: 2, tills: 1, wallets: 3 });
  });

  test('a seed that fails part-way leaves nothing behind, so the next start seeds it whole', async () => {
    // The demo bartender's email is taken: seeding fails after the venue,
    // its market items and the manager are written.
    const squatter = randomUUID();
    await db.insert(users).values({
      id: squatter,
      email: 'bar@demo.niteos.app',
      passwordHash: 'x',
      role: 'nitecore_admin',
      displayName: 'Someone else',
    });
    await expect(seedDemo(db)).rejects.toThrow();
    expect(await rowCounts()).toEqual({ venues: 0, items: 0, users: 1, tills: 0, wallets: 0 });

    await db.delete(users).where(eq(users.id, squatter));
    expect((await seedDemo(db))?.logins).toHaveLength(2);
    expect(await rowCounts()).toEqual({ venues: 1, items: 8, users: 2, tills: 1, wallets: 3 });
  });

  test('servers starting together on an empty database seed it once', async () => {
    const seeded = await Promise.all([seedDemo(db), seedDemo(db), seedDemo(db)]);
    expect(seeded.filter((s) => s !== null)).toHaveLength(1);
    expect(await rowCounts()).toEqual({ venues: 1, items: 8, users: 2, tills: 1, wallets: 3 });
  });
});
