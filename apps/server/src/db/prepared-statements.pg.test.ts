import { createPostgresDatabase } from '@niteos/test-support';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { type PrepareLimits, preparingClient } from './prepared-statements.ts';

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
const clients: postgres.Sql[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
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
});
