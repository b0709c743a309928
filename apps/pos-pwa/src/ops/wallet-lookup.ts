import type { WalletRow } from '../db/database.ts';
import { TAG } from './charge.ts';

/**
 * How long before a tag may be looked up again, by the last outcome: a
 * balance looked up is asked again once this old, since no pull keeps it
 * current; a tag with no wallet later; one whose look-up failed sooner. The
 * guest field re-reads IndexedDB on every sale: without this it would ask
 * each time.
 */
export const LOOKUP_AGAIN_AFTER_MS = {
  found: 30_000,
  unknown: 60_000,
  blocked: 60_000,
  failed: 10_000,
} as const;

/**
 * Whether the guest field should ask the server for this tag's wallet now:
 * online, a whole tag, not blocked here, and either no snapshot or one a
 * look-up brought (pulls keep the others current), not sooner than `notBefore`.
 */
export function lookupDue(
  tag: string,
  wallet: { snapshot: WalletRow | undefined; blocked: boolean },
  online: boolean,
  now: number,
  notBefore: number | undefined,
): boolean {
  if (!online || wallet.blocked || !TAG.test(tag)) return false;
  if (wallet.snapshot && wallet.snapshot.lookedUpAt === undefined) return false;
  return now >= (notBefore ?? 0);
}
