import type { PushRequest, PushResponse } from '@niteos/schema/wire';
import type { AuthedTill } from '../context.ts';
import type { Db } from '../db/database.ts';
import { withTransactionRetry } from '../db/retry.ts';
import { type FinalOp, isCandidate } from './prepare-op.ts';
import type { PrepareOps } from './prepare-pool.ts';
import { decide } from './push-decide.ts';
import { load } from './push-load.ts';
import { write } from './push-write.ts';

/**
 * Replays one push exactly once (sync protocol §4). All CPU work (schema,
 * signatures, canonical hashes) is done before the transaction, off the
 * event loop when `prepare` is the pool; inside it, `load` reads and locks,
 * `decide` applies the rules and `write` sends the outcome in one pipeline,
 * so wallet locks are held for a few round trips. Everything the reply
 * reports is committed before the reply is built.
 */
export async function pushOps(
  db: Db,
  prepare: PrepareOps,
  till: AuthedTill,
  body: PushRequest,
  ip: string | null,
): Promise<PushResponse> {
  const prepared = await prepare(body.ops, till);
  const candidates = prepared.filter(isCandidate);
  const finals = prepared.filter((p): p is FinalOp => !isCandidate(p));

  const decided = await withTransactionRetry(db, async (tx) => {
    const loaded = await load(tx, till, candidates);
    const outcome = decide(till, candidates, loaded);
    await write(tx, till, outcome.writes, finals, ip);
    return outcome.results;
  });

  const results = prepared.map((p) => (isCandidate(p) ? decided.get(p.index) : p.result));
  return {
    results: results.map((r) => {
      if (!r) throw new Error('push lost a result');
      return r;
    }),
    serverTime: new Date().toISOString(),
  };
}
