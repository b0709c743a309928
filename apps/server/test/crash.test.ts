import { randomInt } from 'node:crypto';
import { expect, test } from 'vitest';
import type { SignedOp } from '../src/test-support/test-till.ts';
import {
  createVenue,
  describeWithServers,
  type Exit,
  enrollTill,
  expectBooksBalance,
  loginAdmin,
  newNitetapId,
  type ServerProcess,
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
  type TillPlan,
} from './support/till-ops.ts';

const TILLS = 4;
const WALLETS_PER_TILL = 4;
const OPS_PER_TILL = 600;
const BATCH = 50;
/** Kill once this share of all batches has been acknowledged. */
const KILL_AFTER = 0.4;

function suiteFor(mode: StorageMode) {
  const title = `a SIGKILLed server loses nothing and applies nothing twice [${mode}]`;
  describeWithServers(mode, title, (suite) => {
    test('tills re-pushing unacknowledged ops after a crash end with every op applied once and exact balances', async () => {
      const seed = randomInt(2 ** 31);
      const storage = await suite.storage();
      const first = await suite.start(`${mode} server #1`);
      const token = await loginAdmin(first);
      const venueId = await createVenue(first, token);
      const rand = seededRandom(seed);
      const plans: TillPlan[] = [];
      for (let i = 0; i < TILLS; i++) {
        const till = await enrollTill(first, token, venueId, `Bar ${i + 1}`);
        const wallets = Array.from({ length: WALLETS_PER_TILL }, newNitetapId);
        plans.push(await planTillOps(till, wallets, OPS_PER_TILL, rand));
      }

      // The crash: once enough batches are acknowledged, the next 200 reply is lost
      // (the connection dies with the server) and the server is SIGKILLed while
      // the other tills' pushes are in flight.
      let current = first;
      let inFlight = 0;
      let acknowledgedBatches = 0;
      const totalBatches = plans.reduce((n, p) => n + Math.ceil(p.ops.length / BATCH), 0);
      const killAt = Math.ceil(totalBatches * KILL_AFTER);
      let phase: 'running' | 'dying' | 'restarted' = 'running';
      let inFlightAtKill = -1;
      let killedExit: Exit | null = null;
      let restarted: ServerProcess | null = null;
      let reachedKillPoint!: () => void;
      const killPoint = new Promise<void>((r) => {
        reachedKillPoint = r;
      });
      const loseReply = () => {
        if (phase === 'running' && acknowledgedBatches >= killAt) {
          phase = 'dying';
          reachedKillPoint();
          return true;
        }
        return phase === 'dying';
      };
      const crash = (async () => {
        await killPoint;
        await sleep(randomInt(30));
        inFlightAtKill = inFlight;
        killedExit = await first.kill('SIGKILL');
        phase = 'restarted';
        restarted = await suite.start(`${mode} server #2`);
        current = restarted;
      })();

      const log = newPushLog();
      const deadline = Date.now() + 200_000;
      await Promise.all([
        crash,
        ...plans.map((plan) =>
          pushUntilAcknowledged({
            till: plan.till,
            ops: plan.ops.map((o) => o.signed),
            send: () => current.send,
            batchSize: BATCH,
            log,
            deadline,
            onAttempt: (step) => {
              inFlight += step === 'start' ? 1 : -1;
            },
            onAcknowledged: () => {
              acknowledgedBatches++;
            },
            loseReply,
          }),
        ),
      ]);

      // The server really died by SIGKILL and a new process took over.
      expect(killedExit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(restarted).not.toBeNull();
      const second = restarted as unknown as ServerProcess;
      expect(second.pid).not.toBe(first.pid);
      expect(second.exit).toBeNull();

      // Every op acknowledged as applied, with the balance the plan predicts.
      const allOps = plans.flatMap((p) => p.ops);
      expect(log.acknowledged.size).toBe(allOps.length);
      const wrong = allOps.flatMap((o) => {
        const r = log.acknowledged.get(o.signed.envelope.id);
        return r?.status === 'applied' && r.reason === null && r.balanceNc === o.balanceAfter
          ? []
          : [{ op: o.signed.envelope, expectedBalance: o.balanceAfter, result: r }];
      });
      expect(wrong.slice(0, 5), `seed ${seed}`).toEqual([]);
      expect(log.httpErrors).toEqual([]);

      // The crash was exercised: replies lost with the server came back as
      // duplicates of applied ops from the new process, and pushes were cut off.
      expect(log.lostReplies.length).toBeGreaterThanOrEqual(1);
      const lostNotDuplicate = log.lostReplies.filter(
        (id) => log.acknowledged.get(id)?.duplicate !== true,
      );
      expect(lostNotDuplicate).toEqual([]);
      const duplicates = [...log.acknowledged.values()].filter((r) => r.duplicate).length;
      expect(duplicates).toBeGreaterThanOrEqual(new Set(log.lostReplies).size);
      expect(duplicates > 0 || inFlightAtKill > 0).toBe(true);
      expect(log.networkErrors).toBeGreaterThan(0);
      if (process.env.NITEOS_TEST_VERBOSE) {
        const { networkErrors, pushes, lostReplies } = log;
        console.info(mode, {
          seed,
          killAt,
          inFlightAtKill,
          duplicates,
          networkErrors,
          pushes,
          lost: lostReplies.length,
        });
      }

      // Balances: topups − sales + voided sales, per wallet.
      const expected = expectedBalances(allOps.map((o) => o.signed));
      expect(expected.size).toBe(TILLS * WALLETS_PER_TILL);
      const adminToken = await loginAdmin(second);
      const actual = new Map<string, number>();
      for (const tag of expected.keys())
        actual.set(tag, await walletBalance(second, adminToken, tag));
      expect(actual).toEqual(expected);

      // Replaying every op once more changes nothing: all duplicates of applied ops.
      const replay = newPushLog();
      await Promise.all(
        plans.map((plan) =>
          pushUntilAcknowledged({
            till: plan.till,
            ops: plan.ops.map((o): SignedOp => o.signed),
            send: () => second.send,
            batchSize: 500,
            log: replay,
            deadline: Date.now() + 60_000,
          }),
        ),
      );
      const replayed = [...replay.acknowledged.values()];
      expect(replayed.length).toBe(allOps.length);
      expect(replayed.filter((r) => !(r.duplicate && r.status === 'applied'))).toEqual([]);
      for (const tag of expected.keys()) {
        expect(await walletBalance(second, adminToken, tag)).toBe(expected.get(tag));
      }

      // A clean stop, then `pnpm ledger:verify` on the same storage.
      expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      await expectBooksBalance(storage);
    });
  });
}

suiteFor('pglite');
suiteFor('postgres');
