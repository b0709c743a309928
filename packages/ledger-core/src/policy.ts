import type { Policy } from '@niteos/schema/wire';

/** Defaults for a new venue: 100 NC offline per wallet, 30 NC for unknown wallets, no debt. */
export const DEFAULT_POLICY: Policy = {
  offlineCapNc: 10_000,
  unknownWalletCapNc: 3_000,
  overdraftLimitNc: 0,
};

/**
 * Tills get wallet snapshots of the guests seen at their venue this
 * recently (sync protocol §5 leaves the window to us), each one again
 * whenever it changes and once each business day while it is in the window.
 */
export const WALLET_SNAPSHOT_DAYS = 14;

/**
 * A snapshot not sent again for this long is no longer followed (its
 * guest left the window, and changes made elsewhere no longer reach the
 * till): the till drops it rather than trust it. Twice the daily resend.
 */
export const WALLET_SNAPSHOT_TRUST_DAYS = 2;

/**
 * For this long after a venue's policy changes a till may still judge by
 * the one before: it learns the new one at its next pull, and one kept
 * offline longer is as stale as its snapshots. Its ops are not flagged for it.
 */
export const POLICY_CHANGE_GRACE_DAYS = WALLET_SNAPSHOT_TRUST_DAYS;
