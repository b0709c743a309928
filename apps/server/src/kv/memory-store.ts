import type { KvStore } from './store.ts';

type Value = string | Set<string> | Map<string, number>;

/** The in-process store: one server process, nothing survives a restart. */
export function createMemoryStore(now: () => number = Date.now): KvStore {
  const entries = new Map<string, { value: Value; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  /** The live value of `key` if it has the kind `make` builds, else a fresh one; the ttl is renewed. */
  const upsert = <T extends Value>(key: string, ttlSeconds: number, make: () => T): T => {
    const current = live(key)?.value;
    const fresh = make();
    const value = (current?.constructor === fresh.constructor ? current : fresh) as T;
    entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    return value;
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
      const value = live(key)?.value;
      return typeof value === 'string' ? value : null;
    },
    async forget(key) {
      entries.delete(key);
    },
    async addDistinct(key, members, ttlSeconds) {
      const set = upsert(key, ttlSeconds, () => new Set<string>());
      for (const m of members) set.add(m);
    },
    async countDistinct(key) {
      const value = live(key)?.value;
      return value instanceof Set ? value.size : 0;
    },
    async incrementFields(key, by, ttlSeconds) {
      const hash = upsert(key, ttlSeconds, () => new Map<string, number>());
      for (const [field, n] of Object.entries(by)) hash.set(field, (hash.get(field) ?? 0) + n);
    },
    async readFields(key) {
      const value = live(key)?.value;
      return value instanceof Map ? Object.fromEntries(value) : {};
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
