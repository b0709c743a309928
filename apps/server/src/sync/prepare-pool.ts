import { Piscina } from 'piscina';
import type { AuthedTill } from '../context.ts';
import { nodeEd25519Verify } from '../crypto/node-ed25519.ts';
import { type CandidateOp, type FinalOp, prepareOp } from './prepare-op.ts';
import type { PrepareTask } from './prepare-worker.ts';

/**
 * Steps 1–3 of the contract (schema, till, signature, canonical hashes)
 * for every op of a push, results in request order. An op comes back as a
 * candidate only if its signature verified, so nothing unverified reaches
 * the ledger whichever implementation runs it.
 */
export type PrepareOps = (raw: unknown[], till: AuthedTill) => Promise<(CandidateOp | FinalOp)[]>;

/** On the calling thread: for tests driven in-process and for seeding. */
export const prepareInThread: PrepareOps = async (raw, till) =>
  raw.map((op, index) => prepareOp(op, index, till, nodeEd25519Verify));

/** Below this many ops a push is not worth splitting across threads. */
const MIN_SLICE = 25;

export interface PreparePool {
  prepare: PrepareOps;
  /** Lets queued work finish, then stops the threads. */
  close(): Promise<void>;
}

/**
 * Verifies pushes on `threads` worker threads. On the event loop, ~150 µs
 * of Ed25519 per op stalled every other push, including ones holding
 * wallet locks in an open transaction (profiled: 70% of lock waits were on
 * a holder that was "idle in transaction"). A push is split into one slice
 * per thread so its own latency shrinks too.
 *
 * Piscina rather than a hand-written pool: it queues tasks, replaces a
 * crashed worker and rejects only the tasks that worker had, and drains on
 * `close` — the parts a hand-written pool gets wrong.
 */
export function createPreparePool(threads: number): PreparePool {
  const pool = new Piscina<PrepareTask, (CandidateOp | FinalOp)[]>({
    filename: new URL('./prepare-worker.ts', import.meta.url).href,
    // The worker is TypeScript: load it through tsx whatever started us (tsx, vitest).
    execArgv: ['--import', import.meta.resolve('tsx')],
    minThreads: threads,
    maxThreads: threads,
    // Workers stay up between bursts: a cold one costs its module loading.
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    async prepare(raw, till) {
      const slices = Math.max(1, Math.min(threads, Math.floor(raw.length / MIN_SLICE)));
      const size = Math.ceil(raw.length / slices);
      const parts: Promise<(CandidateOp | FinalOp)[]>[] = [];
      for (let first = 0; first < raw.length; first += size) {
        parts.push(pool.run({ ops: raw.slice(first, first + size), firstIndex: first, till }));
      }
      return (await Promise.all(parts)).flat();
    },
    close: () => pool.close(),
  };
}
