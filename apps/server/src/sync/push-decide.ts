import { randomUUID } from 'node:crypto';
import { applyEffect, decideReplay, levelForXp, type Posting } from '@niteos/ledger-core';
import type { conflicts, ops, walletMoves } from '@niteos/schema/tables';
import { type Envelope, type OpResult, RejectReason } from '@niteos/schema/wire';
import { countsInFigures } from '../analytics/events.ts';
import type { AuthedTill } from '../context.ts';
import { type LockedWallet, landing } from '../ledger/queries.ts';
import { rejectedResult } from './prepare-op.ts';
import type { Loaded, StoredResult } from './push-load.ts';
import type { Sequenced } from './push-sequence.ts';

/** Everything one push writes once its wallets are locked. */
export interface Writes {
  opRows: (typeof ops.$inferInsert)[];
  /** The envelopes applied, in order, that get an analytics event (`countsInFigures`). */
  applied: Envelope[];
  conflictRows: (typeof conflicts.$inferInsert)[];
  postings: { opId: string; conflictId: null; posting: Posting }[];
  newWallets: Set<string>;
  changedWallets: Map<string, LockedWallet>;
  voided: { targetId: string; voidId: string }[];
  touchedTags: Set<string>;
  /** Ops on a replaced tag whose NC went to its replacement, as the guest's activity shows them. */
  moves: (typeof walletMoves.$inferInsert)[];
}

/**
 * What a revoked till is told of a wallet: nothing. It is a lost or stolen
 * device; like its pull, its push gives no balance, not even the one
 * stored with an op it sends again.
 */
const NO_FIGURES = { balanceNc: null, xp: null, level: null } as const;

/**
 * Steps 6–7 of the contract for the ops of one till, in the order
 * `sequence` put them, on the wallets locked after it. Pure bookkeeping:
 * decisions come from ledger-core.
 */
export function decide(
  till: AuthedTill,
  sequenced: Sequenced,
  loaded: Loaded,
  wallets: Map<string, LockedWallet>,
) {
  const results = new Map<number, OpResult>();
  const stored = new Map<string, StoredResult>();
  const w: Writes = {
    opRows: [],
    applied: [],
    conflictRows: [],
    postings: [],
    newWallets: new Set(),
    changedWallets: new Map(),
    voided: [],
    touchedTags: new Set(),
    moves: [],
  };
  // Wallets this venue has used, before this push and (applied) in it.
  const known = new Set(loaded.usedHere);
  for (const step of sequenced.steps) {
    const { c } = step;
    const e = c.envelope;
    if (step.kind !== 'new') {
      const earlier =
        step.kind === 'stored'
          ? loaded.seen.get(e.id)
          : { canonHash: step.first.canonHash, result: stored.get(e.id) };
      if (!earlier?.result) throw new Error(`op ${e.id} repeats a result that does not exist`);
      results.set(
        c.index,
        earlier.canonHash === c.canonHash
          ? { ...earlier.result, ...(loaded.revoked ? NO_FIGURES : {}), duplicate: true }
          : rejectedResult(e.id, RejectReason.idReuse),
      );
      continue;
    }

    const tag = e.nitetapId;
    const wallet = tag ? (wallets.get(tag) ?? null) : null;
    const target = e.voids ? (loaded.voidTargets.get(e.voids) ?? null) : null;
    const decision = decideReplay({
      envelope: e,
      policy: loaded.policy,
      tillRevoked: loaded.revoked,
      chain: step.chain,
      wallet,
      voidTarget: target,
    });
    let after = wallet;
    let xpGranted = 0;
    let walletDelta = 0;
    /** The tag this op's NC and XP go to: its own, or the replacement of a lost one. */
    let moves = tag;
    if (decision.status === 'applied') {
      const lands = landing(e, tag, tag ? loaded.successors.get(tag) : undefined, decision.effect);
      const { effect } = lands;
      moves = lands.tag;
      if (lands.move) w.moves.push(lands.move);
      const movesWallet = effect.walletDeltaNc !== 0 || effect.xpDelta !== 0;
      const before = moves ? (wallets.get(moves) ?? null) : null;
      after = applyEffect(before, effect);
      if (moves && after && after !== before) {
        if (before === null) w.newWallets.add(moves);
        wallets.set(moves, after);
        if (movesWallet || before === null) w.changedWallets.set(moves, after);
      }
      for (const posting of effect.postings)
        w.postings.push({ opId: e.id, conflictId: null, posting });
      if (effect.voidsOp && target) {
        w.voided.push({ targetId: effect.voidsOp, voidId: e.id });
        target.voided = true;
      }
      xpGranted = e.op === 'sale' ? effect.xpDelta : 0;
      walletDelta = effect.walletDeltaNc;
      if (countsInFigures(e, target)) w.applied.push(e);
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
    // Only an applied op makes a wallet one of its venue's, which opens it
    // to that venue's admins (look-up, block): a held op moved no money
    // there, and any till can sign one for any tag. For the same reason a
    // held or rejected op tells the till the wallet's figures only if its
    // venue has used the wallet; a revoked till is told none (NO_FIGURES).
    if (moves && after && decision.status === 'applied' && !loaded.revoked) {
      w.touchedTags.add(moves);
      known.add(moves);
    }
    // What the till is told of `tag`: its figures after the op. A void of a
    // replaced tag credited the new one, whose figures are not the old tag's.
    const shown =
      loaded.revoked || moves !== tag || (tag !== null && !known.has(tag)) ? null : after;

    const result: StoredResult = {
      id: e.id,
      status: decision.status,
      reason: decision.status === 'applied' ? null : decision.reason,
      balanceNc: shown?.balanceNc ?? null,
      xp: shown?.xp ?? null,
      level: shown ? levelForXp(shown.xp) : null,
    };
    results.set(c.index, { ...result, duplicate: false });
    stored.set(e.id, result);
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
      signed: c.canonical,
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
