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

/** What a look-up of a tag came to (sync engine's `lookupWallet`). */
export type LookupOutcome = keyof typeof LOOKUP_AGAIN_AFTER_MS;

/**
 * How long the server's answer that a tag has no wallet stands: an order's
 * time at the bar many times over. Older, it may no longer be true (a top-up
 * at another venue since), and a till that cannot ask again judges the tag
 * by the unknown-wallet cap, as one that never asked.
 */
export const NO_WALLET_STANDS_MS = 5 * 60_000;

/**
 * The server's answers that a tag has no wallet (a 404 of the look-up), so
 * that a till that could ask refuses NC from such a tag rather than taking
 * up to the unknown-wallet cap from any made-up one (stricter than sync
 * protocol §6, as a till may be). The cap stays for a till that could not
 * ask: offline, or its look-up failed. Each answer replaces the last; a
 * failed look-up says nothing new, so it keeps it.
 */
export function createNoWalletAnswers(now: () => number = Date.now) {
  const answeredAt = new Map<string, number>();
  return {
    heard(tag: string, outcome: LookupOutcome) {
      if (outcome === 'unknown') answeredAt.set(tag, now());
      else if (outcome !== 'failed') answeredAt.delete(tag);
    },
    /** True while the server's last word on `tag` is a recent "no wallet". */
    has(tag: string): boolean {
      const at = answeredAt.get(tag);
      return at !== undefined && now() - at < NO_WALLET_STANDS_MS;
    },
  };
}

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
