import type { AuthedTill } from '../context.ts';
import { nodeEd25519Verify } from '../crypto/node-ed25519.ts';
import { type CandidateOp, type FinalOp, prepareOp } from './prepare-op.ts';

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
