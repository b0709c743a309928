import { createPostgresDatabase } from '@niteos/test-support';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { type Database, openPostgres, rowsOf } from './database.ts';
import { type PrepareLimits, preparingClient } from './prepared-statements.ts';
import { withTransactionRetry } from './retry.ts';

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
const clients: postgres.Sql[] = [];
const opened: Database[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
  await Promise.all(opened.map((d) => d.close()));
  await database.drop();
});

/** Drizzle over one wrapped connection, and the texts that connection has prepared. */
function oneConnection(limits?: PrepareLimits) {
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  clients.push(client);
  return {
    db: drizzle(preparingClient(client, limits)),
    async preparedTexts(): Promise<string[]> {
      const rows = await client<{ statement: string }[]>`
        select statement from pg_prepared_statements
        where statement like '%/*probe%' and statement not like '%pg_prepared_statements%'`;
      return rows.map((r) => r.statement);
    },
  };
}

describeDb('prepared statements for repeated query texts', () => {
  test('a text is prepared on its second run, once, and still answers right', async () => {
    const { db, preparedTexts } = oneConnection();
    const square = (n: number) => db.execute(sql`select ${n}::int * ${n}::int as v /*probe*/`);

    expect((await square(3))[0]).toEqual({ v: 9 });
    expect(await preparedTexts()).toEqual([]);

    expect((await square(4))[0]).toEqual({ v: 16 });
    expect(await preparedTexts()).toHaveLength(1);

    expect((await square(5))[0]).toEqual({ v: 25 });
    expect(await preparedTexts()).toHaveLength(1);
  });

  test('no more texts are prepared than the limit allows; the others still run', async () => {
    const { db, preparedTexts } = oneConnection({ after: 1, max: 2 });
    const answers: unknown[] = [];
    for (const k of [1, 2, 3, 4]) {
      const distinct = sql.raw(`/*probe ${k}*/`);
      answers.push((await db.execute(sql`select ${10}::int + ${k}::int as v ${distinct}`))[0]);
    }
    expect(answers).toEqual([{ v: 11 }, { v: 12 }, { v: 13 }, { v: 14 }]);
    expect(await preparedTexts()).toHaveLength(2);
  });

  test('statements inside a transaction are prepared too', async () => {
    const { db, preparedTexts } = oneConnection({ after: 1, max: 10 });
    const v = await db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int as v /*probe tx*/`);
      return tx.execute(sql`select ${2}::int as v /*probe tx*/`);
    });
    expect(v[0]).toEqual({ v: 2 });
    expect(await preparedTexts()).toEqual([expect.stringContaining('/*probe tx*/')]);
  });

  test('a migration that changes a prepared result type fails no transaction for good', async () => {
    // deploy.sh migrates while the old processes still serve: their
    // prepared statements then describe the old columns, and PostgreSQL
    // refuses to run them inside a transaction until each is prepared again.
    const pool = 3;
    const pooled = openPostgres(database.url, pool);
    opened.push(pooled);
    const { db } = pooled;
    await db.execute(sql`create table probe_migrated (id int primary key, label varchar(20))`);
    await db.execute(sql`insert into probe_migrated values (1, 'before')`);
    const label = sql`select label from probe_migrated where id = ${1}::int /*probe migrated*/`;
    const preparedHere = sql`select count(*)::int as n from pg_prepared_statements
      where statement like '%probe migrated%' and statement not like '%pg_prepared%'`;
    // Twice on every connection of the pool, at once: from the second
    // round on, each connection runs the statement prepared.
    for (let round = 1; round <= 2; round++) {
      const counts = await Promise.all(
        Array.from({ length: pool }, () =>
          db.transaction(async (tx) => {
            await tx.execute(label);
            await tx.execute(sql`select pg_sleep(0.05)`);
            return rowsOf<{ n: number }>(await tx.execute(preparedHere))[0]?.n;
          }),
        ),
      );
      if (round === 2) expect(counts).toEqual(Array(pool).fill(1));
    }

    await db.execute(sql`alter table probe_migrated alter column label type text`);
    for (let i = 0; i < pool; i++) {
      const result = await withTransactionRetry(db, (tx) => tx.execute(label));
      expect(rowsOf(result)).toEqual([{ label: 'before' }]);
    }
  });
});
