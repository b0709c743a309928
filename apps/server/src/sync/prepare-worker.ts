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
setPriority(10);

/** One slice of a push, as the pool hands it to a worker thread. */
export interface PrepareTask {
  ops: unknown[];
  /** Index of `ops[0]` in the whole push: results keep request order. */
  firstIndex: number;
  till: AuthedTill;
}

/** Steps 1–3 of the contract for a slice of a push, on a worker thread (see prepare-pool.ts). */
export default function prepareSlice(task: PrepareTask): (CandidateOp | FinalOp)[] {
  return task.ops.map((raw, i) =>
    prepareOp(raw, task.firstIndex + i, task.till, nodeEd25519Verify),
  );
}
