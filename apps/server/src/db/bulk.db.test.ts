import { asc, sql } from 'drizzle-orm';
import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/test-db.ts';
import { bulkInsert, recordset } from './bulk.ts';

const probe = pgTable('bulk_probe', {
  id: text('id').primaryKey(),
  label: text('label'),
  big: bigint('big', { mode: 'number' }),
  small: integer('small'),
  doc: jsonb('doc'),
  at: timestamp('at', { withTimezone: true }),
});

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await openTestDatabase();
  await testDb.database.db.execute(sql`
    create table bulk_probe (id text primary key, label text, big bigint, small integer,
      doc jsonb, at timestamptz)`);
});
afterAll(async () => {
  await testDb.dispose();
});

// Every character an array literal or JSON text treats specially, and the
// word an array literal reads as SQL NULL.
const awkward = ['say "hi"', 'back\\slash', '{a,b}', 'NULL', '', 'tab\tnew\nline', 'émoji 🍸'];

describeDb('bulk rows as typed arrays', () => {
  test('every value comes back exactly as inserted, nulls included', async () => {
    const { db } = testDb.database;
    const at = new Date('2026-11-23T22:15:30.123Z');
    const rows = awkward.map((label, i) => ({
      id: `r${i}`,
      label,
      big: i === 0 ? Number.MAX_SAFE_INTEGER : -i,
      small: i,
      doc: { label, nested: [label, null, { n: i }] },
      at,
    }));
    rows.push({ id: 'nulls', label: null, big: null, small: null, doc: null, at: null } as never);

    await db.transaction(async (tx) => {
      await bulkInsert(tx, probe, rows);
    });

    const back = await db.select().from(probe).orderBy(asc(probe.id));
    const expected = [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(back).toEqual(expected);
  });

  test('a recordset joins as an update source with the declared types', async () => {
    const { db } = testDb.database;
    await db.transaction(async (tx) => {
      await bulkInsert(tx, probe, [
        { id: 'u1', label: 'a', big: 10 },
        { id: 'u2', label: 'b', big: 20 },
      ]);
      const changes = recordset(
        [
          { id: 'u1', delta: 5, label: 'quote " and \\' },
          { id: 'u2', delta: -25, label: null },
        ],
        'id text, delta bigint, label text',
      );
      await tx.execute(
        sql`update bulk_probe set big = big + x.delta, label = x.label from ${changes} where bulk_probe.id = x.id`,
      );
    });
    const back = await db
      .select({ id: probe.id, big: probe.big, label: probe.label })
      .from(probe)
      .where(sql`${probe.id} in ('u1', 'u2')`)
      .orderBy(asc(probe.id));
    expect(back).toEqual([
      { id: 'u1', big: 15, label: 'quote " and \\' },
      { id: 'u2', big: -5, label: null },
    ]);
  });

  test('a recordset refuses a type the drivers would send wrongly', () => {
    expect(() => recordset([{ at: new Date() }], 'at timestamptz')).toThrow(/cannot carry/);
  });
});
