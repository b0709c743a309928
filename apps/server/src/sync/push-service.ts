import { randomUUID } from 'node:crypto';
import {
  applyEffect,
  basisJustifies,
  decideReplay,
  type Ed25519Verify,
  levelForXp,
  type Posting,
  type VoidTarget,
} from '@niteos/ledger-core';
import {
  analyticsOutbox,
  conflicts,
  ops,
  securityLog,
  seqGaps,
  tillChain,
  tills,
  venues,
} from '@niteos/schema/tables';
import {
  type OpResult,
  type PushRequest,
  type PushResponse,
  RejectReason,
} from '@niteos/schema/wire';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { pushEvents } from '../analytics/events.ts';
import type { AuthedTill } from '../context.ts';
import { bulkInsert, recordset } from '../db/bulk.ts';
import type { Db, Tx } from '../db/database.ts';
import { withTransactionRetry } from '../db/retry.ts';
import {
  createWallets,
  type LockedWallet,
  ledgerLineStatement,
  loadVoidTargets,
  lockWallets,
  markVoidedStatements,
  venueAccountStatement,
  walletUpdateStatements,
} from '../ledger/queries.ts';
import { venueView } from '../venues/service.ts';
import {
  type CandidateOp,
  type FinalOp,
  isCandidate,
  prepareOp,
  rejectedResult,
} from './prepare-op.ts';

type OpRow = typeof ops.$inferInsert;
type StoredResult = Omit<OpResult, 'duplicate'>;

/** What the push transaction read before deciding anything. */
interface Loaded {
  revoked: boolean;
  policy: ReturnType<typeof venueView>['policy'];
  seen: Map<string, { canonHash: string; result: StoredResult }>;
  chain: Map<number, { opId: string; sigHash: string }>;
  voidTargets: Map<string, VoidTarget>;
  wallets: Map<string, LockedWallet>;
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

async function load(tx: Tx, till: AuthedTill, candidates: CandidateOp[]): Promise<Loaded> {
  // Pushes of one till run one at a time: with READ COMMITTED, each then
  // sees every op the previous one committed, so an id is never applied twice.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${till.id}, 0))`);
  const [state] = await tx
    .select({ status: tills.status, venue: venues })
    .from(tills)
    .innerJoin(venues, eq(venues.id, tills.venueId))
    .where(eq(tills.id, till.id));
  if (!state) throw new Error(`till ${till.id} vanished`);

  const ids = candidates.map((c) => c.envelope.id);
  const seen = new Map<string, { canonHash: string; result: StoredResult }>();
  if (ids.length > 0) {
    for (const row of await tx.select(storedColumns).from(ops).where(inArray(ops.id, ids))) {
      seen.set(row.id, { canonHash: row.canonHash, result: storedResultOf(row) });
    }
  }
  const seqs = new Set<number>();
  for (const c of candidates) {
    seqs.add(c.envelope.seq);
    seqs.add(c.envelope.seq - 1);
  }
  const chain = new Map<number, { opId: string; sigHash: string }>();
  if (seqs.size > 0) {
    const rows = await tx
      .select()
      .from(tillChain)
      .where(and(eq(tillChain.tillId, till.id), inArray(tillChain.seq, [...seqs])));
    for (const row of rows) chain.set(row.seq, { opId: row.opId, sigHash: row.sigHash });
  }
  const voidIds = candidates.flatMap((c) => (c.envelope.voids ? [c.envelope.voids] : []));
  const tags = candidates.flatMap((c) => (c.envelope.nitetapId ? [c.envelope.nitetapId] : []));
  return {
    revoked: state.status === 'revoked',
    policy: venueView(state.venue).policy,
    seen,
    chain,
    voidTargets: await loadVoidTargets(tx, voidIds),
    wallets: await lockWallets(tx, tags),
  };
}

/** Everything one push writes, gathered in memory and written in a few statements. */
interface Writes {
  opRows: OpRow[];
  chainRows: (typeof tillChain.$inferInsert)[];
  conflictRows: (typeof conflicts.$inferInsert)[];
  postings: { opId: string; conflictId: null; posting: Posting }[];
  newWallets: Set<string>;
  changedWallets: Map<string, LockedWallet>;
  voided: { targetId: string; voidId: string }[];
  gapSeqs: number[];
  flags: { opId: string; reason: string }[];
  touchedTags: Set<string>;
}

/**
 * Steps 4–7 of the contract for the ops of one till, in `seq` order, on the
 * state `load` locked. Pure bookkeeping: decisions come from ledger-core.
 */
function decide(till: AuthedTill, candidates: CandidateOp[], loaded: Loaded) {
  const results = new Map<number, OpResult>();
  const w: Writes = {
    opRows: [],
    chainRows: [],
    conflictRows: [],
    postings: [],
    newWallets: new Set(),
    changedWallets: new Map(),
    voided: [],
    gapSeqs: [],
    flags: [],
    touchedTags: new Set(),
  };
  const ordered = [...candidates].sort(
    (a, b) => a.envelope.seq - b.envelope.seq || a.index - b.index,
  );
  for (const c of ordered) {
    const e = c.envelope;
    const seen = loaded.seen.get(e.id);
    if (seen) {
      results.set(
        c.index,
        seen.canonHash === c.canonHash
          ? { ...seen.result, duplicate: true }
          : rejectedResult(e.id, RejectReason.idReuse),
      );
      continue;
    }

    let chain: 'ok' | 'fork' | 'break' = 'ok';
    const slot = loaded.chain.get(e.seq);
    const before = loaded.chain.get(e.seq - 1);
    if (slot) chain = 'fork';
    else {
      if (e.seq > 1 && before && before.sigHash !== e.prev) chain = 'break';
      if (e.seq > 1 && !before) w.gapSeqs.push(e.seq);
      loaded.chain.set(e.seq, { opId: e.id, sigHash: c.sigHash });
      w.chainRows.push({ tillId: till.id, seq: e.seq, opId: e.id, sigHash: c.sigHash });
    }

    const tag = e.nitetapId;
    const wallet = tag ? (loaded.wallets.get(tag) ?? null) : null;
    const target = e.voids ? (loaded.voidTargets.get(e.voids) ?? null) : null;
    const decision = decideReplay({
      envelope: e,
      policy: loaded.policy,
      tillRevoked: loaded.revoked,
      chain,
      wallet,
      voidTarget: target,
    });

    let after = wallet;
    let xpGranted = 0;
    let walletDelta = 0;
    if (decision.status === 'applied') {
      const { effect } = decision;
      after = applyEffect(wallet, effect);
      if (tag && after && after !== wallet) {
        if (wallet === null) w.newWallets.add(tag);
        loaded.wallets.set(tag, after);
        if (effect.walletDeltaNc !== 0 || effect.xpDelta !== 0 || wallet === null) {
          w.changedWallets.set(tag, after);
        }
      }
      for (const posting of effect.postings)
        w.postings.push({ opId: e.id, conflictId: null, posting });
      if (effect.voidsOp && target) {
        w.voided.push({ targetId: effect.voidsOp, voidId: e.id });
        target.voided = true;
      }
      xpGranted = e.op === 'sale' ? effect.xpDelta : 0;
      walletDelta = effect.walletDeltaNc;
    } else if (decision.status === 'held') {
      w.conflictRows.push({
        id: randomUUID(),
        opId: e.id,
        venueId: e.venueId,
        tillId: till.id,
        reason: decision.reason,
        amountNc: e.amountNc,
        nitetapId: tag,
      });
    }
    if (!basisJustifies(e, loaded.policy)) w.flags.push({ opId: e.id, reason: 'basis_violation' });
    if (tag && after) w.touchedTags.add(tag);

    const result: StoredResult = {
      id: e.id,
      status: decision.status,
      reason: decision.status === 'applied' ? null : decision.reason,
      balanceNc: after?.balanceNc ?? null,
      xp: after?.xp ?? null,
      level: after ? levelForXp(after.xp) : null,
    };
    results.set(c.index, { ...result, duplicate: false });
    loaded.seen.set(e.id, { canonHash: c.canonHash, result });
    if (e.op === 'sale' && decision.status !== 'rejected') {
      loaded.voidTargets.set(e.id, {
        id: e.id,
        kind: 'sale',
        venueId: e.venueId,
        nitetapId: tag,
        tender: e.tender,
        amountNc: e.amountNc,
        amountChf: e.amountChf,
        status: decision.status === 'applied' ? 'applied' : 'held',
        voided: false,
        xpGranted,
      });
    }
    w.opRows.push({
      id: e.id,
      tillId: till.id,
      venueId: e.venueId,
      seq: e.seq,
      kind: e.op,
      tender: e.tender,
      nitetapId: tag,
      staffId: e.staffId,
      amountNc: e.amountNc,
      amountChf: e.amountChf,
      voids: e.voids,
      canonHash: c.canonHash,
      envelope: e,
      sig: c.sig,
      status: decision.status,
      reason: result.reason,
      standing: decision.status,
      appliedNc: walletDelta,
      xpGranted,
      resultBalanceNc: result.balanceNc,
      resultXp: result.xp,
      resultLevel: result.level,
      tillAt: e.at,
    });
  }
  return { results, writes: w };
}

/**
 * Writes one push's outcome. Wallets first used here are created (and
 * checked) first; every other statement is issued at once, in dependency
 * order, and postgres.js pipelines them on the transaction's connection:
 * one round trip instead of a dozen while the wallet locks are held. The
 * hot venue-account rows come last, so they are held only until COMMIT.
 */
async function write(tx: Tx, till: AuthedTill, w: Writes, finals: FinalOp[], ip: string | null) {
  await createWallets(tx, [...w.newWallets]);
  const statements: PromiseLike<unknown>[] = [
    ...walletUpdateStatements(tx, w.changedWallets),
    bulkInsert(tx, ops, w.opRows),
    bulkInsert(tx, tillChain, w.chainRows),
    bulkInsert(tx, conflicts, w.conflictRows),
    bulkInsert(tx, analyticsOutbox, pushEvents(w.opRows, w.conflictRows, new Date())),
    ...markVoidedStatements(tx, w.voided),
  ];
  if (w.postings.length > 0) statements.push(ledgerLineStatement(tx, w.postings));
  if (w.touchedTags.size > 0) {
    const seen = recordset(
      [...w.touchedTags].sort().map((tag) => ({ nitetap_id: tag })),
      'nitetap_id text',
    );
    statements.push(
      tx.execute(sql`
        insert into wallet_venues (nitetap_id, venue_id, last_seen_at)
        select x.nitetap_id, ${till.venueId}, now() from ${seen}
        on conflict (nitetap_id, venue_id) do update set last_seen_at = excluded.last_seen_at`),
    );
  }
  if (w.gapSeqs.length > 0) {
    statements.push(
      tx
        .insert(seqGaps)
        .values(w.gapSeqs.map((seq) => ({ tillId: till.id, seq })))
        .onConflictDoNothing(),
    );
  }
  const filled = w.chainRows.map((r) => r.seq + 1);
  if (filled.length > 0) {
    statements.push(
      tx
        .update(seqGaps)
        .set({ closedAt: new Date() })
        .where(
          and(eq(seqGaps.tillId, till.id), inArray(seqGaps.seq, filled), isNull(seqGaps.closedAt)),
        ),
    );
  }
  const security = [
    ...finals
      .filter((f) => f.badSignature)
      .map((f) => ({ kind: 'bad_signature', opId: f.result.id || null, detail: null })),
    ...w.flags.map((f) => ({ kind: f.reason, opId: f.opId, detail: null })),
  ];
  if (security.length > 0) {
    statements.push(
      tx
        .insert(securityLog)
        .values(security.map((s) => ({ ...s, tillId: till.id, venueId: till.venueId, ip }))),
    );
  }
  const maxSeq = Math.max(0, ...w.chainRows.map((r) => r.seq));
  statements.push(
    tx
      .update(tills)
      .set({
        lastSeenAt: new Date(),
        lastSeq: sql`greatest(${tills.lastSeq}, ${maxSeq})`,
        ...(w.flags.length > 0 ? { flaggedAt: new Date(), flagReason: 'basis_violation' } : {}),
      })
      .where(eq(tills.id, till.id)),
  );
  const venue = venueAccountStatement(tx, w.postings);
  if (venue) statements.push(venue);
  await Promise.all(statements);
}

/**
 * Replays one push exactly once (sync protocol §4). Signatures are checked
 * before the transaction; everything the reply reports is committed in one
 * transaction before the reply is built.
 */
export async function pushOps(
  db: Db,
  verify: Ed25519Verify,
  till: AuthedTill,
  body: PushRequest,
  ip: string | null,
): Promise<PushResponse> {
  const prepared = body.ops.map((raw, index) => prepareOp(raw, index, till, verify));
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
