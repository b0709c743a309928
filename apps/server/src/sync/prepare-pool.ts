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

export interface PreparePool {
  prepare: PrepareOps;
  /** Lets queued work finish, then stops the threads. */
  close(): Promise<void>;
}

/**
 * Verifies pushes on `threads` worker threads. On the event loop, ~150 µs
 * of Ed25519 per op stalled every other push, including ones holding
 * wallet locks in an open transaction (profiled: 70% of lock waits were on
 * a holder that was "idle in transaction"). Each push is one task on one
 * thread; the threads work on concurrent pushes. Splitting each push
 * across the threads, as before, shortened a lone push's verify (~8 ms
 * for 100 ops on one thread) but cost more than it gained under load:
 * every slice is another message and copy each way, and a push waited
 * for the later of two queues. Push bench, 19 alternating pairs: p99
 * lower in 15 (mean 341 against 384 ms), ops/s higher in 13 (+3%).
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
    prepare: async (raw, till) => (raw.length === 0 ? [] : pool.run({ ops: raw, till })),
    close: () => pool.close(),
  };
}
