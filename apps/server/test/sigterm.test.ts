import { randomInt } from 'node:crypto';
import type { OpResult } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { closedPort } from '../src/test-support/closed-port.ts';
import {
  createVenue,
  describeWithServers,
  type Exit,
  enrollTill,
  loginAdmin,
  newNitetapId,
  pushOk,
  runLedgerVerify,
  type StorageMode,
  seededRandom,
  sleep,
  walletBalance,
} from './support/server-process.ts';
import {
  expectedBalances,
  newPushLog,
  planTillOps,
  pushUntilAcknowledged,
} from './support/till-ops.ts';

const WALLETS = 5;
const BIG_PUSH = 500;
const SHUTDOWN_TIMEOUT_MS = 4000;

function suiteFor(mode: StorageMode) {
  const title = `SIGTERM during a 500-op push [${mode}]`;
  describeWithServers(mode, title, (suite) => {
    test('the server exits cleanly and the push ends applied exactly once, answered or replayed; no analytics event lost', async () => {
      const seed = randomInt(2 ** 31);
      const storage = await suite.storage();
      // Its shipper runs against a MongoDB that never answers: the flush at
      // SIGTERM must give up within the shutdown timeout and keep the events.
      const env = {
        ANALYTICS_MONGO_URL: `mongodb://127.0.0.1:${await closedPort()}/niteos`,
        NITEOS_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      };
      const first = await suite.start(`${mode} server #1`, { env });
      const token = await loginAdmin(first);
      const venueId = await createVenue(first, token);
      const till = await enrollTill(first, token, venueId, 'Bar 1');
      const wallets = Array.from({ length: WALLETS }, newNitetapId);
      const plan = await planTillOps(till, wallets, WALLETS + BIG_PUSH, seededRandom(seed));
      const ops = plan.ops.map((o) => o.signed);

      // The wallets' first topups are acknowledged before the big push.
      const topups = await pushOk(till, first.send, ops.slice(0, WALLETS));
      expect(topups.results.map((r) => r.status)).toEqual(wallets.map(() => 'applied'));

      const big = ops.slice(WALLETS);
      expect(big.length).toBe(BIG_PUSH);
      let settled = false;
      const sentAt = Date.now();
      const inFlight = till.push(first.send, big).then(
        (reply) => ({ ok: true as const, reply }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      inFlight.finally(() => {
        settled = true;
      });
      await sleep(20 + randomInt(60));
      const settledAtSignal = settled;
      const signalAt = Date.now();
      const exit: Exit = await first.kill('SIGTERM');
      const outcome = await inFlight;
      const pushTookMs = Date.now() - sentAt;
      // The signal really arrived while the push was being processed.
      expect(
        settledAtSignal,
        `push took ${pushTookMs} ms, signal after ${signalAt - sentAt} ms`,
      ).toBe(false);
      // Graceful: the signal is handled, not fatal, and bounded.
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5000);
      // The silent MongoDB left events unshipped: the last words say so, as a warning.
      expect(String(first.stdout)).toMatch(/"level":"warn".*outbox not flushed/);

      // Restarted as deployed: with the same (still silent) MongoDB.
      const second = await suite.start(`${mode} server #2`, { env });
      const final = new Map<string, OpResult>();
      if (outcome.ok) {
        // Answered before the server stopped: every op applied, and durable.
        expect(outcome.reply.status).toBe(200);
        for (const r of outcome.reply.body.results) final.set(r.id, r);
      }
      // The till re-pushes what it has no answer for; an answered push is replayed
      // anyway, and then must come back as duplicates of applied ops.
      const log = newPushLog();
      await pushUntilAcknowledged({
        till,
        ops: big,
        send: () => second.send,
        batchSize: BIG_PUSH,
        log,
        deadline: Date.now() + 60_000,
      });
      expect(log.httpErrors).toEqual([]);
      for (const [id, r] of log.acknowledged) if (!final.has(id)) final.set(id, r);
      if (outcome.ok) {
        expect([...log.acknowledged.values()].filter((r) => !r.duplicate)).toEqual([]);
      }

      const wrong = plan.ops.slice(WALLETS).flatMap((o) => {
        const r = final.get(o.signed.envelope.id);
        return r?.status === 'applied' && r.reason === null && r.balanceNc === o.balanceAfter
          ? []
          : [{ op: o.signed.envelope, expectedBalance: o.balanceAfter, result: r }];
      });
      expect(wrong.slice(0, 5), `seed ${seed}`).toEqual([]);
      const replayed = [...log.acknowledged.values()];
      expect(replayed.filter((r) => r.status !== 'applied')).toEqual([]);

      const expected = expectedBalances(ops);
      const actual = new Map<string, number>();
      const adminToken = await loginAdmin(second);
      for (const tag of expected.keys())
        actual.set(tag, await walletBalance(second, adminToken, tag));
      expect(actual).toEqual(expected);

      // Every applied op left exactly one event, still queued (Mongo never
      // answered): the 505 ops plus the two admin sign-ins.
      const metrics = await (await second.send('/metrics')).text();
      expect(Number(/niteos_analytics_outbox_pending (\d+)/.exec(metrics)?.[1])).toBe(
        WALLETS + BIG_PUSH + 2,
      );

      expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      const verify = await runLedgerVerify(storage);
      expect(verify.stderr).toBe('');
      expect(verify.stdout).toContain('OK: the books balance');
      expect(verify.code).toBe(0);
      if (process.env.NITEOS_TEST_VERBOSE) {
        console.info(mode, {
          seed,
          answered: outcome.ok,
          replayDuplicates: replayed.filter((r) => r.duplicate).length,
        });
      }
    });
  });
}

suiteFor('pglite');
suiteFor('postgres');
