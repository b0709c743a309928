import { randomUUID } from 'node:crypto';
import {
  applyEffect,
  basisJustifies,
  decideReplay,
  levelForXp,
  type Posting,
} from '@niteos/ledger-core';
import type { conflicts, ops, tillChain } from '@niteos/schema/tables';
import { type OpResult, RejectReason } from '@niteos/schema/wire';
import type { AuthedTill } from '../context.ts';
import type { LockedWallet } from '../ledger/queries.ts';
import { type CandidateOp, rejectedResult } from './prepare-op.ts';
import type { Loaded, StoredResult } from './push-load.ts';

/** Everything one push writes, gathered in memory and written in a few statements. */
export interface Writes {
  opRows: (typeof ops.$inferInsert)[];
  chainRows: (typeof tillChain.$inferInsert)[];
  conflictRows: (typeof conflicts.$inferInsert)[];
  postings: { opId: string; conflictId: null; posting: Posting }[];
  newWallets: Set<string>;
  changedWallets: Map<string, LockedWallet>;
  voided: { targetId: string; voidId: string }[];
  gapSeqs: number[];
  /** Open gaps whose predecessor this push fills. */
  closedGaps: number[];
  flags: { opId: string; reason: string }[];
  touchedTags: Set<string>;
}

/**
 * Steps 4–7 of the contract for the ops of one till, in `seq` order, on the
 * state `load` locked. Pure bookkeeping: decisions come from ledger-core.
 */
export function decide(till: AuthedTill, candidates: CandidateOp[], loaded: Loaded) {
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
    closedGaps: [],
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
  w.closedGaps = w.chainRows.map((r) => r.seq + 1).filter((seq) => loaded.openGaps.has(seq));
  return { results, writes: w };
}
