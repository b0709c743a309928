import type { KvStore } from './store.ts';

/** The in-process store: one server process, nothing survives a restart. */
export function createMemoryStore(now: () => number = Date.now): KvStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired keys are dropped on read; sweep now and then so unread ones go too.
  const sweep = setInterval(() => {
    for (const key of entries.keys()) live(key);
  }, 60_000);
  sweep.unref();
  return {
    kind: 'memory',
    async hit(key, windowSeconds) {
      const entry = live(key);
      const expiresAt = entry?.expiresAt ?? now() + windowSeconds * 1000;
      const count = Number(entry?.value ?? 0) + 1;
      entries.set(key, { value: String(count), expiresAt });
      return { count, resetSeconds: Math.max(1, Math.ceil((expiresAt - now()) / 1000)) };
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
