import type { Policy } from '@niteos/schema/wire';

/** Defaults for a new venue: 100 NC offline per wallet, 30 NC for unknown wallets, no debt. */
export const DEFAULT_POLICY: Policy = {
  offlineCapNc: 10_000,
  unknownWalletCapNc: 3_000,
  overdraftLimitNc: 0,
};
