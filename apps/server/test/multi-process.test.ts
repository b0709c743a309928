import { randomInt } from 'node:crypto';
import type { OpResult } from '@niteos/schema/wire';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import type { SignedOp } from '../src/test-support/test-till.ts';
import {
  createStorage,
  createVenue,
  enrollTill,
  expectBooksBalance,
  loginAdmin,
  newNitetapId,
  postgresSkipReason,
  pushOk,
  ServerProcess,
  type Storage,
  seededRandom,
  serverLogs,
  walletBalance,
} from './support/server-process.ts';
import { expectedBalances, planTillOps } from './support/till-ops.ts';

const TITLE = 'two server processes on one PostgreSQL database';

if (postgresSkipReason) {
  describe.skip(`${TITLE} (skipped: PostgreSQL unreachable: ${postgresSkipReason})`, () => {
    test('needs PostgreSQL', () => {});
  });
} else {
  describe(TITLE, () => {
    let storage: Storage;
    let a: ServerProcess;
    let b: ServerProcess;
    let token: string;
    let venueId: string;

    beforeAll(async () => {
      storage = await createStorage('postgres');
      // Both start at once on the empty database: their migrations must not clash.
      [a, b] = await Promise.all([
        ServerProcess.start(storage, 'postgres server A'),
        ServerProcess.start(storage, 'postgres server B'),
      ]);
      token = await loginAdmin(a);
      venueId = await createVenue(a, token);
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await storage?.dispose();
    });

    test('both processes migrated the fresh database and serve the same data', async () => {
      onTestFailed(() => {
        console.error(serverLogs());
      });
      expect(a.exit).toBeNull();
      expect(b.exit).toBeNull();
      const health = await Promise.all([a, b].map((s) => s.json('GET', '/api/health')));
      expect(health.map((h) => h.status)).toEqual([200, 200]);
      // The same secret on both: a token from A works on B.
      const viaB = await b.json('GET', `/api/wallets/${newNitetapId()}`, token);
      expect(viaB.status).toBe(404);
    });

    test('the same batch pushed to both processes at once applies each op exactly once', async () => {
      onTestFailed(() => {
        console.error(serverLogs());
      });
      const seed = randomInt(2 ** 31);
      const till = await enrollTill(a, token, venueId, 'Bar twin');
      const wallets = Array.from({ length: 5 }, newNitetapId);
      const plan = await planTillOps(till, wallets, 100, seededRandom(seed), 5_000);
      const ops = plan.ops.map((o) => o.signed);
      expect(ops.length).toBe(100);

      const replies: { server: string; results: OpResult[] }[] = [];
      for (let round = 0; round < 3; round++) {
        const both = await Promise.all(
          [a, b].map(async (s) => ({
            server: s.label,
            results: (await pushOk(till, s.send, ops)).results,
          })),
        );
        replies.push(...both);
      }
      expect(replies.length).toBe(6);

      const firstApplications = new Map<string, number>();
      const problems: unknown[] = [];
      for (const { server, results } of replies) {
        expect(results.map((r) => r.id)).toEqual(ops.map((o) => o.envelope.id));
        results.forEach((r, i) => {
          const planned = plan.ops[i];
          if (!r.duplicate) firstApplications.set(r.id, (firstApplications.get(r.id) ?? 0) + 1);
          if (r.status !== 'applied' || r.reason !== null || r.balanceNc !== planned?.balanceAfter)
            problems.push({ server, result: r, expectedBalance: planned?.balanceAfter });
        });
      }
      expect(problems.slice(0, 5), `seed ${seed}`).toEqual([]);
      const counts = ops.map((o) => firstApplications.get(o.envelope.id) ?? 0);
      expect(counts).toEqual(ops.map(() => 1));

      const expected = expectedBalances(ops);
      for (const server of [a, b]) {
        const actual = new Map<string, number>();
        for (const tag of expected.keys()) actual.set(tag, await walletBalance(server, token, tag));
        expect(actual).toEqual(expected);
      }
      await expectBooksBalance(storage);
    });

    test('two tills on different processes never spend a wallet beyond its balance', async () => {
      onTestFailed(() => {
        console.error(serverLogs());
      });
      const seed = randomInt(2 ** 31);
      const rand = seededRandom(seed);
      const tag = newNitetapId();
      const funded = 10_000;
      const tillA = await enrollTill(a, token, venueId, 'Bar left');
      const tillB = await enrollTill(b, token, venueId, 'Bar right');
      const topup = await pushOk(tillA, a.send, [await tillA.topup(tag, funded)]);
      expect(topup.results[0]).toMatchObject({ status: 'applied', balanceNc: funded });

      // Each till sold 40 drinks offline to the same guest: together far beyond the balance.
      const sales = async (till: typeof tillA) => {
        const out: SignedOp[] = [];
        for (let i = 0; i < 40; i++)
          out.push(await till.sale(tag, 200 + Math.floor(rand() * 15) * 50));
        return out;
      };
      const [salesA, salesB] = [await sales(tillA), await sales(tillB)];
      const demanded = [...salesA, ...salesB].reduce((n, s) => n + s.envelope.amountNc, 0);
      expect(demanded).toBeGreaterThan(3 * funded);

      const pushAll = async (till: typeof tillA, server: ServerProcess, ops: SignedOp[]) => {
        const results: OpResult[] = [];
        for (let i = 0; i < ops.length; i += 4) {
          results.push(...(await pushOk(till, server.send, ops.slice(i, i + 4))).results);
        }
        return results;
      };
      const [resA, resB] = await Promise.all([
        pushAll(tillA, a, salesA),
        pushAll(tillB, b, salesB),
      ]);
      const amountOf = new Map(
        [...salesA, ...salesB].map((s) => [s.envelope.id, s.envelope.amountNc]),
      );
      const results = [...resA, ...resB];
      expect(results.length).toBe(80);
      expect(results.filter((r) => r.duplicate)).toEqual([]);

      const applied = results.filter((r) => r.status === 'applied');
      const held = results.filter((r) => r.status !== 'applied');
      expect(applied.length).toBeGreaterThan(0);
      expect(held.length).toBeGreaterThan(0);
      expect(held.map((r) => [r.status, r.reason])).toEqual(
        held.map(() => ['held', 'insufficient_funds']),
      );
      const spent = applied.reduce((n, r) => n + (amountOf.get(r.id) ?? 0), 0);
      expect(spent).toBeLessThanOrEqual(funded);

      // The applied sales form one serial history: each leaves the previous balance minus its amount.
      const chain = [...applied].sort((x, y) => (y.balanceNc ?? 0) - (x.balanceNc ?? 0));
      let balance = funded;
      const history: number[] = [funded];
      for (const r of chain) {
        balance -= amountOf.get(r.id) ?? 0;
        expect(r.balanceNc, `seed ${seed}`).toBe(balance);
        history.push(balance);
      }
      expect(Math.min(...history)).toBeGreaterThanOrEqual(0);
      // A held sale was held for a reason: the balance it met was a real one, too small for it.
      for (const r of held) {
        expect(history).toContain(r.balanceNc);
        expect(r.balanceNc ?? 0).toBeLessThan(amountOf.get(r.id) ?? 0);
      }

      for (const server of [a, b])
        expect(await walletBalance(server, token, tag)).toBe(funded - spent);
      await expectBooksBalance(storage);
    });
  });
}
