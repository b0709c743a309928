import type { VoidTarget } from '@niteos/ledger-core';
import { ops, seqGaps, tillChain, tills, venues, walletVenues } from '@niteos/schema/tables';
import type { OpResult, Policy } from '@niteos/schema/wire';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuthedTill } from '../context.ts';
import { anyOf } from '../db/any-of.ts';
import type { Tx } from '../db/database.ts';
import { signedEnvelope } from '../ledger/op-envelope.ts';
import {
  type LockedWallet,
  loadVoidTargets,
  lockedWalletsOf,
  successorsOf,
  walletReadStatement,
} from '../ledger/queries.ts';
import { policiesTillsMayUse, policyOf } from '../venues/service.ts';
import type { CandidateOp } from './prepare-op.ts';

export type StoredResult = Omit<OpResult, 'duplicate'>;

/** What the push transaction read before deciding anything. */
export interface Loaded {
  revoked: boolean;
  policy: Policy;
  /** What the till may still judge by (a recent change may not have reached it): for flags. */
  tillPolicies: Policy[];
  seen: Map<string, { canonHash: string; result: StoredResult }>;
  chain: Map<number, { opId: string; sigHash: string }>;
  /** The till's open seq gaps: only these can be closed by this push. */
  openGaps: Set<number>;
  /**
   * For each open gap: the op stored at it and the `prev` it signed, which
   * the late predecessor must match.
   */
  gapSuccessors: Map<number, { opId: string; prev: string }>;
  voidTargets: Map<string, VoidTarget>;
  /**
   * The push's wallets as committed before their locks are taken: what the
   * provisional decisions are made on (see push-service.ts).
   */
  unlockedWallets: Map<string, LockedWallet>;
  /** The push's tags already used at the till's venue: the wallets its tills may be told about. */
  usedHere: Set<string>;
  /**
   * The push's replaced tags and the tag each one's NC lives on now, whose
   * wallets `unlockedWallets` also holds and the push locks as well.
   */
  successors: Map<string, string>;
}

/** The columns a duplicate needs: its canonical hash and the stored result. */
const storedColumns = {
  id: ops.id,
  canonHash: ops.canonHash,
  status: ops.status,
  reason: ops.reason,
  resultBalanceNc: ops.resultBalanceNc,
  resultXp: ops.resultXp,
  resultLevel: ops.resultLevel,
};

function storedResultOf(row: {
  id: string;
  status: string;
  reason: string | null;
  resultBalanceNc: number | null;
  resultXp: number | null;
  resultLevel: number | null;
}): StoredResult {
  return {
    id: row.id,
    status: row.status as OpResult['status'],
    reason: row.reason as OpResult['reason'],
    balanceNc: row.resultBalanceNc,
    xp: row.resultXp,
    level: row.resultLevel,
  };
}

/**
 * Pushes of one till run one at a time: with READ COMMITTED, each then
 * sees every op the previous one committed, so an id is never applied
 * twice. A revocation takes the same lock (tills/service.ts), so the till's
 * status a push reads stays true until it commits.
 */
export async function lockTillPushes(tx: Tx, tillId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${tillId}, 0))`);
}

/**
 * Takes the till's lock, then reads what steps 4–7 need in one round trip
 * (postgres.js pipelines statements issued together on the transaction's
 * connection). Wallets are locked later, by the caller.
 */
export async function load(tx: Tx, till: AuthedTill, candidates: CandidateOp[]): Promise<Loaded> {
  const ids = candidates.map((c) => c.envelope.id);
  const seqs = new Set<number>();
  for (const c of candidates) {
    seqs.add(c.envelope.seq);
    seqs.add(c.envelope.seq - 1);
  }
  const voidIds = candidates.flatMap((c) => (c.envelope.voids ? [c.envelope.voids] : []));
  await lockTillPushes(tx, till.id);
  const tags = walletTags(candidates);
  const [state, seenRows, chainRows, gapRows, walletRows, voidTargets, usedRows] =
    await Promise.all([
      tx
        .select({ status: tills.status, venue: venues })
        .from(tills)
        .innerJoin(venues, eq(venues.id, tills.venueId))
        .where(eq(tills.id, till.id)),
      tx
        .select(storedColumns)
        .from(ops)
        .where(anyOf(ops.id, ids, 'text')),
      tx
        .select()
        .from(tillChain)
        .where(and(eq(tillChain.tillId, till.id), anyOf(tillChain.seq, [...seqs], 'bigint'))),
      // Every open gap (usually none) and the op stored just after it, whose
      // `prev` the late predecessor must match: one statement, so a push
      // pays nothing more for the check while the till has no gap.
      tx
        .select({
          seq: seqGaps.seq,
          id: ops.id,
          signed: ops.signed,
          envelope: ops.envelope,
          nitetapId: ops.nitetapId,
        })
        .from(seqGaps)
        .leftJoin(
          tillChain,
          and(eq(tillChain.tillId, seqGaps.tillId), eq(tillChain.seq, seqGaps.seq)),
        )
        .leftJoin(ops, eq(ops.id, tillChain.opId))
        .where(and(eq(seqGaps.tillId, till.id), isNull(seqGaps.closedAt))),
      walletReadStatement(tx, tags),
      loadVoidTargets(tx, voidIds),
      tx
        .select({ tag: walletVenues.nitetapId })
        .from(walletVenues)
        .where(
          and(eq(walletVenues.venueId, till.venueId), anyOf(walletVenues.nitetapId, tags, 'text')),
        ),
    ]);
  const [current] = state;
  if (!current) throw new Error(`till ${till.id} vanished`);
  const unlockedWallets = lockedWalletsOf(walletRows);
  // Only a blocked tag can have been replaced: a push without one (nearly
  // every push) pays nothing for this.
  const blocked = [...unlockedWallets].filter(([, w]) => w.blocked).map(([tag]) => tag);
  const successors = await successorsOf(tx, blocked);
  if (successors.size > 0) {
    const rows = await walletReadStatement(tx, [...successors.values()]);
    for (const [tag, w] of lockedWalletsOf(rows)) unlockedWallets.set(tag, w);
  }
  return {
    revoked: current.status === 'revoked',
    policy: policyOf(current.venue),
    tillPolicies: policiesTillsMayUse(current.venue, new Date()),
    seen: new Map(
      seenRows.map((row) => [row.id, { canonHash: row.canonHash, result: storedResultOf(row) }]),
    ),
    chain: new Map(chainRows.map((row) => [row.seq, { opId: row.opId, sigHash: row.sigHash }])),
    openGaps: new Set(gapRows.map((row) => row.seq)),
    gapSuccessors: new Map(
      gapRows.flatMap(({ id, ...row }) =>
        id === null
          ? []
          : [[row.seq, { opId: id, prev: signedEnvelope({ ...row, id }).prev }] as const],
      ),
    ),
    voidTargets,
    unlockedWallets,
    usedHere: new Set(usedRows.map((row) => row.tag)),
    successors,
  };
}

/** The wallets a push may touch, for `lockWallets`. */
function walletTags(candidates: CandidateOp[]): string[] {
  return candidates.flatMap((c) => (c.envelope.nitetapId ? [c.envelope.nitetapId] : []));
}

/** The wallets a push locks: its own, and the replacements of any replaced ones. */
export function lockedTags(candidates: CandidateOp[], loaded: Loaded): string[] {
  return [...walletTags(candidates), ...loaded.successors.values()];
}
