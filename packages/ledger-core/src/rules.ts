import type { Envelope, HoldReason, Policy } from '@niteos/schema/wire';
import type { Posting } from './accounts.ts';
import { xpForSale } from './xp.ts';

/** What the rules need to know of a wallet. */
export interface WalletState {
  balanceNc: number;
  xp: number;
  blocked: boolean;
}

/** What the rules need to know of the sale a void names. */
export interface VoidTarget {
  id: string;
  kind: Envelope['op'];
  venueId: string;
  nitetapId: string | null;
  tender: Envelope['tender'];
  amountNc: number;
  amountChf: number;
  /**
   * Where the sale's NC came from as it stands now: `applied` from the
   * wallet, `written_off` from the venue's write-off account, `held`
   * nowhere (still held, or rejected by an admin).
   */
  status: 'applied' | 'written_off' | 'held';
  voided: boolean;
  xpGranted: number;
}

/** The change an op makes when it stands: balanced postings plus the wallet's XP. */
export interface Effect {
  postings: Posting[];
  walletDeltaNc: number;
  xpDelta: number;
  /** A topup (or an accepted op) creates the wallet on first use. */
  createsWallet: boolean;
  /** The sale this op cancels, when it is a void that stands. */
  voidsOp: string | null;
}

const NO_EFFECT: Effect = {
  postings: [],
  walletDeltaNc: 0,
  xpDelta: 0,
  createsWallet: false,
  voidsOp: null,
};

export type TillRefusal =
  | 'blocked_tag'
  | 'insufficient_balance'
  | 'offline_cap'
  | 'unknown_wallet_cap';

/**
 * The till's rule before it accepts an NC payment (sync protocol §6): with a
 * snapshot, the guest must afford it and the till's offline exposure stays
 * under the cap; with none, only the smaller unknown-wallet cap applies.
 */
export function tillAcceptsPayment(input: {
  blocked: boolean;
  snapshotBalanceNc: number | null;
  pendingNc: number;
  amountNc: number;
  policy: Policy;
}): { ok: true } | { ok: false; reason: TillRefusal } {
  const { blocked, snapshotBalanceNc, pendingNc, amountNc, policy } = input;
  if (blocked) return { ok: false, reason: 'blocked_tag' };
  if (snapshotBalanceNc === null) {
    return pendingNc + amountNc <= policy.unknownWalletCapNc
      ? { ok: true }
      : { ok: false, reason: 'unknown_wallet_cap' };
  }
  if (snapshotBalanceNc - pendingNc - amountNc < 0)
    return { ok: false, reason: 'insufficient_balance' };
  if (pendingNc + amountNc > policy.offlineCapNc) return { ok: false, reason: 'offline_cap' };
  return { ok: true };
}

/** True when an op takes NC out of a wallet (NC sale or cashout). */
export function isNcDebit(e: Pick<Envelope, 'op' | 'tender'>): boolean {
  return (e.op === 'sale' && e.tender === 'nc') || e.op === 'cashout';
}

/**
 * Did the till keep its own offline rules? The op's `basis` must justify
 * it. A false answer flags the till; the op is still recorded.
 */
export function basisJustifies(e: Envelope, policy: Policy): boolean {
  if (!isNcDebit(e)) return true;
  return tillAcceptsPayment({
    blocked: false,
    snapshotBalanceNc: e.basis.balanceNc,
    pendingNc: e.basis.pendingNc,
    amountNc: e.amountNc,
    policy,
  }).ok;
}

export type VoidCheck =
  | { ok: true }
  | { ok: false; status: 'held'; reason: 'void_target_missing' }
  | { ok: false; status: 'rejected'; reason: 'void_mismatch' | 'already_voided' };

/** A void must repeat its sale exactly (same venue, wallet, tender, amounts). */
export function checkVoidTarget(e: Envelope, target: VoidTarget | null): VoidCheck {
  if (target === null) return { ok: false, status: 'held', reason: 'void_target_missing' };
  const same =
    target.kind === 'sale' &&
    target.venueId === e.venueId &&
    target.nitetapId === e.nitetapId &&
    target.tender === e.tender &&
    target.amountNc === e.amountNc &&
    target.amountChf === e.amountChf;
  if (!same) return { ok: false, status: 'rejected', reason: 'void_mismatch' };
  if (target.voided) return { ok: false, status: 'rejected', reason: 'already_voided' };
  return { ok: true };
}

/**
 * What an op does when it stands, whatever the balance: the replay rule
 * gates it, an admin's `accept` applies it as is (debt allowed). The
 * envelope's `nitetapId` must already be lower-case. A void's target must
 * have passed `checkVoidTarget`.
 */
export function effectOf(e: Envelope, walletExists: boolean, target: VoidTarget | null): Effect {
  const tag = e.nitetapId;
  const venue = e.venueId;
  switch (e.op) {
    case 'sale':
      if (e.tender !== 'nc' || tag === null) return NO_EFFECT;
      return {
        postings: [
          { account: { kind: 'wallet', nitetapId: tag }, amountNc: -e.amountNc },
          { account: { kind: 'venue_revenue', venueId: venue }, amountNc: e.amountNc },
        ],
        walletDeltaNc: -e.amountNc,
        xpDelta: xpForSale(e.amountNc),
        createsWallet: !walletExists,
        voidsOp: null,
      };
    case 'cashout':
    case 'topup': {
      if (tag === null) return NO_EFFECT;
      const delta = e.op === 'topup' ? e.amountNc : -e.amountNc;
      return {
        postings: [
          { account: { kind: 'wallet', nitetapId: tag }, amountNc: delta },
          { account: { kind: 'issuance', venueId: venue }, amountNc: -delta },
        ],
        walletDeltaNc: delta,
        xpDelta: 0,
        createsWallet: !walletExists,
        voidsOp: null,
      };
    }
    case 'void': {
      if (target === null) throw new Error('effectOf: a void needs its checked target');
      // Voiding a sale that never moved money moves nothing.
      if (target.status === 'held' || e.tender !== 'nc' || tag === null) {
        return { ...NO_EFFECT, voidsOp: target.id };
      }
      // The NC goes back where it came from: the guest, or the write-off account.
      const toWallet = target.status === 'applied';
      return {
        postings: [
          { account: { kind: 'venue_revenue', venueId: venue }, amountNc: -e.amountNc },
          toWallet
            ? { account: { kind: 'wallet', nitetapId: tag }, amountNc: e.amountNc }
            : { account: { kind: 'write_off', venueId: venue }, amountNc: e.amountNc },
        ],
        walletDeltaNc: toWallet ? e.amountNc : 0,
        xpDelta: -target.xpGranted,
        createsWallet: false,
        voidsOp: target.id,
      };
    }
  }
}

export interface ReplayInput {
  /** The validated envelope, `nitetapId` lower-cased. */
  envelope: Envelope;
  policy: Policy;
  tillRevoked: boolean;
  chain: 'ok' | 'fork' | 'break';
  /** The wallet as it stands before this op; null when unknown. */
  wallet: WalletState | null;
  /** For a void: the sale it names, or null when the server has not seen it. */
  voidTarget: VoidTarget | null;
}

export type ReplayDecision =
  | { status: 'applied'; effect: Effect }
  | { status: 'held'; reason: HoldReason }
  | { status: 'rejected'; reason: 'void_mismatch' | 'already_voided' };

/**
 * The server's replay decision (sync protocol §4 steps 5–7 and §6), given
 * everything it needs as values. Checks run in the contract's order.
 */
export function decideReplay(input: ReplayInput): ReplayDecision {
  const { envelope: e, policy, wallet } = input;
  if (input.tillRevoked) return { status: 'held', reason: 'revoked_till' };
  if (input.chain === 'fork') return { status: 'held', reason: 'chain_fork' };
  if (input.chain === 'break') return { status: 'held', reason: 'chain_break' };

  if (e.op === 'void') {
    const check = checkVoidTarget(e, input.voidTarget);
    if (!check.ok) {
      return check.status === 'held'
        ? { status: 'held', reason: check.reason }
        : { status: 'rejected', reason: check.reason };
    }
    return { status: 'applied', effect: effectOf(e, wallet !== null, input.voidTarget) };
  }
  if (e.nitetapId !== null && (e.op === 'topup' || isNcDebit(e))) {
    if (wallet?.blocked) return { status: 'held', reason: 'blocked_tag' };
    if (isNcDebit(e)) {
      if (wallet === null) return { status: 'held', reason: 'unknown_wallet' };
      if (wallet.balanceNc - e.amountNc < -policy.overdraftLimitNc) {
        return { status: 'held', reason: 'insufficient_funds' };
      }
    }
  }
  return { status: 'applied', effect: effectOf(e, wallet !== null, null) };
}

/**
 * `effect` done to wallet `to` instead of `from`. A lost wristband's NC and
 * XP were moved to its replacement, so what an op still does to the old tag
 * (a void's refund, an accepted held sale) belongs on the new one; the old
 * tag, blocked and emptied, would keep it out of the guest's reach. The
 * replacement exists already, so the effect creates no wallet.
 */
export function redirectEffect(effect: Effect, from: string, to: string): Effect {
  return {
    ...effect,
    postings: effect.postings.map((p) =>
      p.account.kind === 'wallet' && p.account.nitetapId === from
        ? { ...p, account: { kind: 'wallet', nitetapId: to } }
        : p,
    ),
    createsWallet: false,
  };
}

/** The wallet after an effect; XP never drops below 0. */
export function applyEffect(wallet: WalletState | null, effect: Effect): WalletState | null {
  if (wallet === null && !effect.createsWallet) return null;
  const base = wallet ?? { balanceNc: 0, xp: 0, blocked: false };
  return {
    balanceNc: base.balanceNc + effect.walletDeltaNc,
    xp: Math.max(0, base.xp + effect.xpDelta),
    blocked: base.blocked,
  };
}
