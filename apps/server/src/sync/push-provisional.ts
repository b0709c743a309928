import type { ops } from '@niteos/schema/tables';
import type { Writes } from './push-decide.ts';

/** Where the provisional ops and ledger lines differ from the decided ones. */
export interface Corrections {
  /** Decided rows of ops whose status or result columns changed. */
  opRows: (typeof ops.$inferInsert)[];
  /** Ops whose ledger lines changed: their provisional lines are replaced. */
  lineOps: string[];
  lines: Writes['postings'];
}

/** The columns a wallet decision sets on an op row. */
const decidedColumns = [
  'status',
  'reason',
  'standing',
  'appliedNc',
  'xpGranted',
  'resultBalanceNc',
  'resultXp',
  'resultLevel',
] as const;

function linesByOp(postings: Writes['postings']): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const { opId, posting } of postings) {
    const lines = grouped.get(opId) ?? [];
    lines.push(JSON.stringify(posting));
    grouped.set(opId, lines);
  }
  return new Map([...grouped].map(([opId, lines]) => [opId, lines.join('\n')]));
}

/**
 * Compares the writes decided on the unlocked wallets with those decided
 * on the locked ones. Both come from the same steps in the same order, so
 * op rows pair up by position; only wallets another till moved in between
 * (the shared ones) make them differ.
 */
export function corrections(provisional: Writes, decided: Writes): Corrections {
  const opRows: Corrections['opRows'] = [];
  decided.opRows.forEach((row, i) => {
    const guess = provisional.opRows[i];
    if (guess?.id !== row.id) throw new Error(`provisional op ${guess?.id} is not ${row.id}`);
    if (decidedColumns.some((column) => (guess[column] ?? null) !== (row[column] ?? null))) {
      opRows.push(row);
    }
  });
  const guessed = linesByOp(provisional.postings);
  const final = linesByOp(decided.postings);
  const lineOps = [...new Set([...guessed.keys(), ...final.keys()])].filter(
    (opId) => guessed.get(opId) !== final.get(opId),
  );
  const changed = new Set(lineOps);
  return {
    opRows,
    lineOps,
    lines: decided.postings.filter((p) => changed.has(p.opId)),
  };
}
