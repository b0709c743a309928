import { setPriority } from 'node:os';
import type { AuthedTill } from '../context.ts';
import { nodeEd25519Verify } from '../crypto/node-ed25519.ts';
import { type CandidateOp, type FinalOp, prepareOp } from './prepare-op.ts';

/**
 * Verification is throughput work; the event loop's is latency work: it
 * finishes transactions that hold wallet locks every other push waits for.
 * On Linux a thread's nice value is its own, so this lowers the priority
 * of this worker thread only, and on a busy machine the main thread (and
 * PostgreSQL) get the CPU first.
 */
try {
  setPriority(10);
} catch {
  // Started at a nice value above 10 without the right to lower it (EACCES): this
  // thread keeps that lower priority, which serves the same end.
}

/** The ops of one push, as the pool hands them to a worker thread. */
export interface PrepareTask {
  ops: unknown[];
  till: AuthedTill;
}

/** Steps 1–3 of the contract for a push's ops, on a worker thread (see prepare-pool.ts). */
export default function preparePush(task: PrepareTask): (CandidateOp | FinalOp)[] {
  return task.ops.map((raw, i) => prepareOp(raw, i, task.till, nodeEd25519Verify));
}
