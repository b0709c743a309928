import type { TillRefusal } from '@niteos/ledger-core';
import type { Policy } from '@niteos/schema/wire';
import { nc } from '../format.ts';

export type ChargeRefusal =
  | TillRefusal
  | 'not_enrolled'
  | 'needs_guest'
  | 'empty'
  | 'bad_tag'
  | 'already_voided'
  | 'no_wallet'
  | 'no_wallet_to_cash_out';

/** The refusals of a limit: their text needs the figures, so staff know how much they may take. */
export type CapRefusal = Extract<TillRefusal, 'offline_cap' | 'unknown_wallet_cap'>;

/** Why the till refused, in words staff can say to a guest. */
export const REFUSAL_TEXT: Record<Exclude<ChargeRefusal, CapRefusal>, string> = {
  blocked_tag: 'This wristband is blocked (reported lost). Ask for ID and call a manager.',
  insufficient_balance:
    'Not enough NC on this wallet (an offline topup counts once it has synced).',
  not_enrolled: 'This device is not enrolled as a till.',
  needs_guest: 'Identify the guest first (tap, scan or type the tag).',
  empty: 'Nothing to charge.',
  bad_tag: 'A tag id is 8 to 32 hex digits.',
  already_voided: 'This sale is already voided.',
  no_wallet: 'No wallet with this tag: top it up first, or take cash or card.',
  no_wallet_to_cash_out: 'No wallet with this tag: it holds nothing to cash out.',
};

/**
 * A limit refusal with its figures. Both limits hold online too (a single
 * payment above the offline cap is refused even with the network up), so
 * the text never blames the network: it says the limit, what is left of it,
 * and how to take the rest. With nothing from the wallet waiting to sync, a
 * payment over the offline cap is too large for one go: it says so, since
 * no sync would let the order through whole.
 */
export function capRefusalText(
  reason: CapRefusal,
  f: { kind: 'sale' | 'cashout'; policy: Policy; pendingNc: number; amountNc: number },
): string {
  const known = reason === 'offline_cap';
  const oneGo = known && f.pendingNc === 0;
  const capNc = known ? f.policy.offlineCapNc : f.policy.unknownWalletCapNc;
  const roomNc = Math.max(0, capNc - f.pendingNc);
  const taken =
    f.pendingNc > 0 ? `, ${nc(f.pendingNc)} ${known ? 'not yet synced' : 'already taken'}` : '';
  const limit = oneGo
    ? `Limit: this till takes at most ${nc(capNc)} from one wallet in one go`
    : known
      ? `Limit: this till takes at most ${nc(capNc)} from one wallet until its sales have synced`
      : `Wallet not known to this till yet: it takes at most ${nc(capNc)} from it`;
  // What frees the limit: a sync for a known wallet, a topup that makes it known otherwise.
  const later = known ? 'once the till has synced' : 'after a topup of this wallet has synced';
  const rest =
    f.kind === 'cashout'
      ? roomNc > 0
        ? `Cash out up to ${nc(roomNc)} now and the rest ${later}.`
        : `Cash out ${later}.`
      : oneGo
        ? `Split the order: up to ${nc(roomNc)} in NC now, the rest in cash or card.`
        : roomNc > 0
          ? `Split the order: up to ${nc(roomNc)} in NC now, the rest in cash or card (or in NC ${later}).`
          : `Take cash or card (or NC ${later}).`;
  return `${limit} (${nc(f.amountNc)} asked${taken}). ${rest}`;
}
