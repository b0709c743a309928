import { basisJustifies } from '@niteos/ledger-core';
import type { tillChain } from '@niteos/schema/tables';
import type { AuthedTill } from '../context.ts';
import type { CandidateOp } from './prepare-op.ts';
import type { Loaded } from './push-load.ts';

/** Where an op stands once duplicates and the till's chain are known. */
export type Step =
  /** Already stored by an earlier push. */
  | { c: CandidateOp; kind: 'stored' }
  /** The same id appeared earlier in this push: it answers for both. */
  | { c: CandidateOp; kind: 'repeat'; first: CandidateOp }
  | { c: CandidateOp; kind: 'new'; chain: 'ok' | 'fork' | 'break' };

/** The part of a push that does not depend on any wallet. */
export interface Sequenced {
  steps: Step[];
  chainRows: (typeof tillChain.$inferInsert)[];
  gapSeqs: number[];
  /** Open gaps whose predecessor this push fills. */
  closedGaps: number[];
  /** Security-log entries that also flag the till: a basis its op breaks, a late-found chain break. */
  flags: { opId: string; reason: 'basis_violation' | 'chain_break' }[];
}

/**
 * Steps 4 and 5 of the contract (duplicates, chain) and the basis check,
 * in `seq` order. None of it reads a wallet, so its rows are written
 * before the wallet locks are taken and the locks are held for less.
 */
export function sequence(till: AuthedTill, candidates: CandidateOp[], loaded: Loaded): Sequenced {
  const s: Sequenced = { steps: [], chainRows: [], gapSeqs: [], closedGaps: [], flags: [] };
  const chain = new Map(loaded.chain);
  const firstOf = new Map<string, CandidateOp>();
  const ordered = [...candidates].sort(
    (a, b) => a.envelope.seq - b.envelope.seq || a.index - b.index,
  );
  for (const c of ordered) {
    const e = c.envelope;
    if (loaded.seen.has(e.id)) {
      s.steps.push({ c, kind: 'stored' });
      continue;
    }
    const first = firstOf.get(e.id);
    if (first) {
      s.steps.push({ c, kind: 'repeat', first });
      continue;
    }
    firstOf.set(e.id, c);

    let status: 'ok' | 'fork' | 'break' = 'ok';
    const slot = chain.get(e.seq);
    const before = chain.get(e.seq - 1);
    if (slot) status = 'fork';
    else {
      if (e.seq > 1 && before && before.sigHash !== e.prev) status = 'break';
      if (e.seq > 1 && !before) s.gapSeqs.push(e.seq);
      chain.set(e.seq, { opId: e.id, sigHash: c.sigHash });
      s.chainRows.push({ tillId: till.id, seq: e.seq, opId: e.id, sigHash: c.sigHash });
    }
    if (!loaded.tillPolicies.some((p) => basisJustifies(e, p)))
      s.flags.push({ opId: e.id, reason: 'basis_violation' });
    s.steps.push({ c, kind: 'new', chain: status });
  }
  for (const r of s.chainRows) {
    if (!loaded.openGaps.has(r.seq + 1)) continue;
    s.closedGaps.push(r.seq + 1);
    // The op after the gap was taken without its link checked (its
    // predecessor was unknown); now it is known, a wrong link is a break.
    const successor = loaded.gapSuccessors.get(r.seq + 1);
    if (successor && successor.prev !== r.sigHash) {
      s.flags.push({ opId: successor.opId, reason: 'chain_break' });
    }
  }
  return s;
}
