import {
  canonicalEnvelope,
  canonicalHash,
  chainHash,
  type Ed25519Verify,
  normalizeNitetapId,
  validateEnvelope,
  verifyCanonical,
} from '@niteos/ledger-core';
import {
  type Envelope,
  type OpResult,
  OpStatus,
  RejectReason as Reject,
  type RejectReason,
  signedOpSchema,
} from '@niteos/schema/wire';
import type { AuthedTill } from '../context.ts';
import { nodeSha256 } from '../crypto/node-ed25519.ts';

/** An op that passed steps 1–3 of the contract and goes on to the ledger. */
export interface CandidateOp {
  index: number;
  /** The envelope with `nitetapId` lower-cased; the signature covered the original. */
  envelope: Envelope;
  /** The envelope exactly as signed (RFC 8785, no prefix): the op log stores it. */
  canonical: string;
  canonHash: string;
  sig: string;
  /** `prev` the till's next op must carry. */
  sigHash: string;
}

/** An op already decided before the ledger is touched (steps 1–3). */
export interface FinalOp {
  index: number;
  result: OpResult;
  /** A bad signature is written to the security log. */
  badSignature: boolean;
}

/** A rejected op's result: no wallet figures, since nothing was applied. */
export function rejectedResult(id: string, reason: RejectReason): OpResult {
  return {
    id,
    status: OpStatus.rejected,
    duplicate: false,
    reason,
    balanceNc: null,
    xp: null,
    level: null,
  };
}

function rejected(index: number, id: string, reason: RejectReason, badSignature = false): FinalOp {
  return { index, badSignature, result: rejectedResult(id, reason) };
}

function idOf(raw: unknown): string {
  const id = (raw as { envelope?: { id?: unknown } } | null)?.envelope?.id;
  return typeof id === 'string' ? id.slice(0, 128) : '';
}

/**
 * Steps 1–3 of the contract for one pushed op, all CPU and no database:
 * schema, till and venue, signature. Runs before the push transaction so
 * no lock is held while signatures are checked.
 */
export function prepareOp(
  raw: unknown,
  index: number,
  till: AuthedTill,
  verify: Ed25519Verify,
): CandidateOp | FinalOp {
  const id = idOf(raw);
  const signed = signedOpSchema.safeParse(raw);
  if (!signed.success) return rejected(index, id, Reject.schema);
  const check = validateEnvelope(signed.data.envelope);
  if (!check.ok) return rejected(index, id, Reject.schema);
  const envelope = check.envelope;
  if (envelope.tillId !== till.id) return rejected(index, id, Reject.unknownTill);
  if (envelope.venueId !== till.venueId) return rejected(index, id, Reject.venueMismatch);

  const canonical = canonicalEnvelope(envelope);
  const { valid, signature } = verifyCanonical(canonical, signed.data.sig, till.publicKey, verify);
  if (!valid || !signature) return rejected(index, id, Reject.badSignature, true);

  return {
    index,
    envelope: {
      ...envelope,
      nitetapId: envelope.nitetapId === null ? null : normalizeNitetapId(envelope.nitetapId),
    },
    canonical,
    canonHash: canonicalHash(canonical, nodeSha256),
    sig: signed.data.sig,
    sigHash: chainHash(signature, nodeSha256),
  };
}

export function isCandidate(op: CandidateOp | FinalOp): op is CandidateOp {
  return 'envelope' in op;
}
