import { createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import { ApiError } from './api.ts';
import { readSnapshot, type Snapshot, writeSnapshot } from './last-known.ts';

export type Freshness = 'loading' | 'fresh' | 'stale' | 'failed';

export interface Live<T> {
  data: () => T | undefined;
  fetchedAt: () => number | null;
  freshness: () => Freshness;
  error: () => string | null;
  /** The server answered that what was asked for does not exist: trying again will not help. */
  missing: () => boolean;
  /** Why the copy shown is stale: no connection, or NiteOS failed or was too slow to answer. */
  staleBecause: () => 'offline' | 'server';
  refresh: () => Promise<void>;
}

/**
 * Data a screen shows: the last-known copy at once, then the network's
 * answer. When the network fails the copy stays, marked stale with its
 * age; a screen never waits on a spinner with nothing else to show.
 * `keyOf` returning null means nothing to load (e.g. no venue chosen yet).
 */
export function createLive<T>(
  keyOf: () => string | null,
  fetcher: (key: string) => Promise<T>,
  options: {
    everyMs?: number;
    /**
     * Whose data it is (the signed-in guest). An answer that arrives after
     * that login ended is dropped: a sign-out cleared the stored copies, and
     * a late answer must not store that guest's wallet on the phone again.
     */
    owner?: () => string | null;
  } = {},
): Live<T> {
  // Loads again only when the key itself changes, not whenever what it is computed from
  // does: tokens renewed (in this tab or another) leave `me.wallets.<user>` as it was.
  const key = createMemo(keyOf);
  const [snapshot, setSnapshot] = createSignal<Snapshot<T> | null>(null);
  const [freshness, setFreshness] = createSignal<Freshness>('loading');
  const [error, setError] = createSignal<string | null>(null);
  const [missing, setMissing] = createSignal(false);
  const [staleBecause, setStaleBecause] = createSignal<'offline' | 'server'>('offline');

  // Loads overlap (a slow poll, then "online" or the page shown again): an
  // answer is applied only if no later-started load's answer already was.
  let started = 0;
  let shown = 0;
  const current = (k: string, load: number, owner: string | null | undefined) =>
    key() === k && load > shown && options.owner?.() === owner;
  const refresh = async () => {
    const k = key();
    if (k === null) return;
    const load = ++started;
    const owner = options.owner?.();
    try {
      const data = await fetcher(k);
      if (!current(k, load, owner)) return;
      shown = load;
      const next = { data, fetchedAt: Date.now() };
      writeSnapshot(k, next);
      setSnapshot(next);
      setFreshness('fresh');
      setError(null);
      setMissing(false);
    } catch (err) {
      if (!current(k, load, owner)) return;
      setError(err instanceof Error ? err.message : String(err));
      setMissing(err instanceof ApiError && err.status === 404);
      const offline = err instanceof ApiError ? err.offline : true;
      // A slow server is not the phone's connection: "Offline" would send the guest to their Wi-Fi.
      setStaleBecause(offline ? 'offline' : 'server');
      const passing = !(err instanceof ApiError) || err.unanswered || err.status >= 500;
      setFreshness(passing && snapshot() ? 'stale' : 'failed');
    }
  };

  createEffect(
    on(key, (k) => {
      setSnapshot(k === null ? null : readSnapshot<T>(k));
      setFreshness('loading');
      setError(null);
      setMissing(false);
      void refresh();
    }),
  );

  const again = () => void refresh();
  const onVisible = () => document.visibilityState === 'visible' && again();
  window.addEventListener('online', again);
  document.addEventListener('visibilitychange', onVisible);
  const timer = options.everyMs ? setInterval(again, options.everyMs) : undefined;
  onCleanup(() => {
    window.removeEventListener('online', again);
    document.removeEventListener('visibilitychange', onVisible);
    clearInterval(timer);
  });

  return {
    data: () => snapshot()?.data,
    fetchedAt: () => snapshot()?.fetchedAt ?? null,
    freshness,
    error,
    missing,
    staleBecause,
    refresh,
  };
}
