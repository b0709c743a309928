import {
  type Envelope,
  envelopeSchema,
  type OpLine,
  UNSTORABLE_TEXT,
  unstorableText,
} from '@niteos/schema/wire';
import { fromBase64Url } from './base64url.ts';

export type EnvelopeCheck =
  | { ok: true; envelope: Envelope }
  | { ok: false; reason: 'schema'; detail: string };

const CHAIN_HASH_BYTES = 32;

/** Σ qty × unit for one price column; null when it leaves ±2^53. */
function lineTotal(lines: readonly OpLine[], unit: 'unitNc' | 'unitChf'): number | null {
  let total = 0;
  for (const line of lines) {
    total += line.qty * line[unit];
    if (!Number.isSafeInteger(total)) return null;
  }
  return total;
}

/**
 * The rules that tie envelope fields together (sync protocol §3), returned
 * as a reason instead of thrown: a bad op is the till's problem, not ours.
 * Only §3's rules: what it allows (a topup of 0 NC, a sale of no lines
 * for 0) is not refused here. Void amounts are checked against their sale
 * later, by the replay rule.
 */
function ruleViolation(e: Envelope): string | null {
  if (e.seq === 1 ? e.prev !== '' : fromBase64Url(e.prev)?.length !== CHAIN_HASH_BYTES) {
    return 'prev must be "" for seq 1, else the base64url SHA-256 of the previous signature';
  }
  if (e.op !== 'void' && e.voids !== null) return 'only a void names the sale it voids';
  switch (e.op) {
    case 'sale': {
      const totalNc = lineTotal(e.lines, 'unitNc');
      const totalChf = lineTotal(e.lines, 'unitChf');
      if (totalNc === null || totalChf === null) return 'line totals exceed ±2^53';
      if (e.tender === 'nc' ? e.amountChf !== 0 : e.amountNc !== 0) {
        return 'a sale moves only the currency of its tender';
      }
      if (e.tender === 'nc' && e.amountNc !== totalNc)
        return 'amountNc must equal the sum of the lines';
      if (e.tender !== 'nc' && e.amountChf !== totalChf)
        return 'amountChf must equal the sum of the lines';
      if (e.tender === 'nc' && e.nitetapId === null) return 'an NC sale needs a nitetapId';
      return null;
    }
    case 'topup':
      if (e.tender === 'nc') return 'a topup is paid cash or card';
      if (e.lines.length !== 0) return 'a topup has no lines';
      if (e.nitetapId === null) return 'a topup needs a nitetapId';
      return null;
    case 'cashout':
      if (e.tender !== 'cash') return 'a cashout pays out cash';
      if (e.lines.length !== 0) return 'a cashout has no lines';
      if (e.nitetapId === null) return 'a cashout needs a nitetapId';
      return null;
    case 'void':
      if (e.voids === null) return 'a void names the sale it voids';
      if (e.voids === e.id) return 'an op cannot void itself';
      // Its tender and amounts are the sale's: compared with the sale (void_mismatch),
      // or held until it arrives (void_target_missing), as §6 says.
      return null;
  }
}

/** Validates shape and rules of a pushed envelope. */
export function validateEnvelope(raw: unknown): EnvelopeCheck {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'envelope';
    return { ok: false, reason: 'schema', detail: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  if (unstorableText(parsed.data)) {
    return { ok: false, reason: 'schema', detail: UNSTORABLE_TEXT };
  }
  const violation = ruleViolation(parsed.data);
  if (violation !== null) return { ok: false, reason: 'schema', detail: violation };
  return { ok: true, envelope: parsed.data };
}

/** Lower-cases a NiteTap UID: stored and compared lower-case (sync protocol §1). */
export function normalizeNitetapId(nitetapId: string): string {
  return nitetapId.toLowerCase();
}
