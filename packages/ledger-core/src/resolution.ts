import type { Envelope, Resolution } from '@niteos/schema/wire';
import { checkVoidTarget, type Effect, effectOf, isNcDebit, type VoidTarget } from './rules.ts';

export type ResolutionRefusal =
  | 'write_off_needs_nc_debit'
  | 'void_target_missing'
  | 'void_mismatch'
  | 'already_voided';

/**
 * The ledger effect of settling a held op (sync protocol §7):
 * - `accept` applies the op as the till meant it, debt allowed;
 * - `write_off` keeps the sale or cashout standing but debits the venue's
 *   write-off account instead of the guest (only for NC debits);
 * - `reject` moves nothing: the op did not stand.
 */
export function resolutionEffect(input: {
  resolution: Resolution;
  envelope: Envelope;
  walletExists: boolean;
  voidTarget: VoidTarget | null;
}): { ok: true; effect: Effect } | { ok: false; reason: ResolutionRefusal } {
  const { resolution, envelope: e } = input;
  switch (resolution) {
    case 'reject':
      return {
        ok: true,
        effect: { postings: [], walletDeltaNc: 0, xpDelta: 0, createsWallet: false, voidsOp: null },
      };
    case 'write_off': {
      if (!isNcDebit(e)) return { ok: false, reason: 'write_off_needs_nc_debit' };
      const counter = e.op === 'sale' ? 'venue_revenue' : 'issuance';
      return {
        ok: true,
        effect: {
          postings: [
            { account: { kind: 'write_off', venueId: e.venueId }, amountNc: -e.amountNc },
            { account: { kind: counter, venueId: e.venueId }, amountNc: e.amountNc },
          ],
          walletDeltaNc: 0,
          xpDelta: 0,
          createsWallet: false,
          voidsOp: null,
        },
      };
    }
    case 'accept': {
      if (e.op === 'void') {
        const check = checkVoidTarget(e, input.voidTarget);
        if (!check.ok) return { ok: false, reason: check.reason };
      }
      return { ok: true, effect: effectOf(e, input.walletExists, input.voidTarget) };
    }
  }
}
