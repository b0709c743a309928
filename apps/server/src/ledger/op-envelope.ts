import type { ops } from '@niteos/schema/tables';
import type { Envelope } from '@niteos/schema/wire';

type StoredOp = Pick<typeof ops.$inferSelect, 'id' | 'signed' | 'envelope' | 'nitetapId'>;

/** An op's envelope as its till signed it (rows from before migration 0005: as stored then). */
export function signedEnvelope(op: StoredOp): Envelope {
  if (op.signed !== null) return JSON.parse(op.signed) as Envelope;
  if (op.envelope === null) throw new Error(`op ${op.id} has no envelope`);
  return op.envelope as Envelope;
}

/** The envelope with `nitetapId` as the ledger keys wallets: lower-cased, as in `ops.nitetap_id`. */
export function ledgerEnvelope(op: StoredOp): Envelope {
  return { ...signedEnvelope(op), nitetapId: op.nitetapId };
}
