import type { Policy } from '@niteos/schema/wire';

/** Defaults for a new venue: 100 NC offline per wallet, 30 NC for unknown wallets, no debt. */
export const DEFAULT_POLICY: Policy = {
  offlineCapNc: 10_000,
  unknownWalletCapNc: 3_000,
  overdraftLimitNc: 0,
};

/**
 * Tills get wallet snapshots of the guests seen at their venue this
 * recently (sync protocol §5 leaves the window to us). A snapshot older
 * than that no longer follows the wallet: the server stopped sending its
 * changes, so the till drops it rather than trust it.
 */
export const WALLET_SNAPSHOT_DAYS = 14;
