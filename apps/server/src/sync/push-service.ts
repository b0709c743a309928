import type { Envelope, PushRequest, PushResponse } from '@niteos/schema/wire';
import type { AuthedTill } from '../context.ts';
import type { Db } from '../db/database.ts';
import { withTransactionRetry } from '../db/retry.ts';
import {
  assertSuccessorsUnchanged,
  lockedWalletsOf,
  voidTargetLockStatement,
  voidTargetsOf,
  walletLockStatement,
} from '../ledger/queries.ts';
import { type FinalOp, isCandidate } from './prepare-op.ts';
import type { PrepareOps } from './prepare-pool.ts';
import { decide } from './push-decide.ts';
import { load, lockedTags } from './push-load.ts';
import { corrections } from './push-provisional.ts';
import { sequence } from './push-sequence.ts';
import { provisionalStatements, sequenceStatements, write } from './push-write.ts';

type LockedRows = Awaited<ReturnType<typeof walletLockStatement>>;
type TargetRows = Awaited<ReturnType<typeof voidTargetLockStatement>>;

/** Runs a push's transaction when one of a limited number of slots is free. */
export type TransactionSlot = <T>(transaction: () => Promise<T>) => Promise<T>;

const anyTime: TransactionSlot = (transaction) => transaction();

/**
 * Replays one push exactly once (sync protocol §4). All CPU work (schema,
 * signatures, canonical hashes) is done before the transaction, off the
 * event loop when `prepare` is the pool. Inside it, `load` takes the till's
 * lock and reads; `sequence` settles duplicates and the chain; the rows no
 * wallet decides and the ops and ledger lines as decided on the unlocked
 * wallets go out in the round trip that ends by locking the wallets (and
 * the sales its voids name, read again under their locks); then
 * `decide` runs again on the locked wallets and `write` sends balances,
 * corrections and venue accounts in one pipeline. The shared wallet locks
 * are held for that round trip and the COMMIT. Everything the reply
 * reports is committed before the reply is built. The transaction starts
 * when `slot` lets it (sync/routes.ts limits how many are open at once).
 * Returns the reply and the ops that came to stand in the sales figures.
 */
export async function pushOps(
  db: Db,
  prepare: PrepareOps,
  till: AuthedTill,
  body: PushRequest,
  ip: string | null,
  slot: TransactionSlot = anyTime,
): Promise<{ response: PushResponse; standing: Envelope[] }> {
  const prepared = await prepare(body.ops, till);
  const candidates = prepared.filter(isCandidate);
  const finals = prepared.filter((p): p is FinalOp => !isCandidate(p));

  const decided = await slot(() =>
    withTransactionRetry(db, async (tx) => {
      const loaded = await load(tx, till, candidates);
      const sequenced = sequence(till, candidates, loaded);
      // Decide once on the wallets as last committed and write those ops and
      // ledger lines before locking; decide again under the locks and correct
      // what differs (only ops on wallets another till moved in between). The
      // wallet locks are the contended ones, so they go out last.
      const provisional = decide(
        till,
        sequenced,
        { ...loaded, voidTargets: structuredClone(loaded.voidTargets) },
        new Map(loaded.unlockedWallets),
      ).writes;
      // The sales this push voids that existed before it are read again
      // under their locks, after the wallets': another till's void or an
      // admin's settlement may have committed since `load` read them.
      const voided = [...loaded.voidTargets.keys()];
      const written = await Promise.all([
        ...sequenceStatements(tx, till, sequenced, finals, ip),
        ...provisionalStatements(tx, provisional),
        walletLockStatement(tx, lockedTags(candidates, loaded)),
        voided.length > 0 ? voidTargetLockStatement(tx, voided) : [],
      ]);
      const wallets = lockedWalletsOf(written.at(-2) as LockedRows);
      await assertSuccessorsUnchanged(tx, wallets, loaded.successors);
      const voidTargets = voidTargetsOf(written.at(-1) as TargetRows);
      const outcome = decide(till, sequenced, { ...loaded, voidTargets }, wallets);
      await write(tx, till, outcome.writes, corrections(provisional, outcome.writes));
      return outcome;
    }),
  );

  const results = prepared.map((p) => (isCandidate(p) ? decided.results.get(p.index) : p.result));
  return {
    response: {
      results: results.map((r) => {
        if (!r) throw new Error('push lost a result');
        return r;
      }),
      serverTime: new Date().toISOString(),
    },
    // What the sales figures count from this push, as its analytics events do.
    standing: decided.writes.applied,
  };
}
