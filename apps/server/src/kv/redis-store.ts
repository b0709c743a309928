import { Redis } from 'ioredis';
import { unavailable } from '../errors.ts';
import type { KvStore } from './store.ts';

/** The shared store on Redis; keys are prefixed so one Redis can serve several deployments. */
export function createRedisStore(url: string, prefix: string): KvStore {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // A command waits at most this long for a Redis that stopped answering.
    commandTimeout: 2000,
  });
  // A down Redis must not crash the process; callers see the failed command.
  redis.on('error', () => {});
  const store: KvStore = {
    kind: 'redis',
    async hit(key, windowSeconds) {
      const k = prefix + key;
      // SET … NX starts the window with its expiry and INCR keeps it: the
      // same as `EXPIRE … NX`, which needs Redis 7 (Debian 11 and Ubuntu
      // 22.04 ship 6).
      const replies = await redis
        .multi()
        .set(k, 0, 'EX', windowSeconds, 'NX')
        .incr(k)
        .ttl(k)
        .exec();
      if (!replies) throw new Error('redis transaction aborted');
      const count = Number(replies[1]?.[1]);
      const ttl = Number(replies[2]?.[1]);
      return { count, resetSeconds: Math.max(1, ttl) };
    },
    async set(key, value, ttlSeconds) {
      await redis.set(prefix + key, value, 'EX', ttlSeconds);
    },
    async get(key) {
      return redis.get(prefix + key);
    },
    async forget(key) {
      await redis.del(prefix + key);
    },
    async addDistinct(key, members, ttlSeconds) {
      if (members.length === 0) return;
      const k = prefix + key;
      await redis
        .multi()
        .pfadd(k, ...members)
        .expire(k, ttlSeconds)
        .exec();
    },
    async countDistinct(key) {
      return redis.pfcount(prefix + key);
    },
    async incrementFields(key, by, ttlSeconds) {
      const k = prefix + key;
      const tx = redis.multi();
      for (const [field, n] of Object.entries(by)) tx.hincrby(k, field, n);
      await tx.expire(k, ttlSeconds).exec();
    },
    async readFields(key) {
      const raw = await redis.hgetall(prefix + key);
      return Object.fromEntries(Object.entries(raw).map(([f, v]) => [f, Number(v)]));
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  return answersWhenDown(store);
}

/**
 * A command that fails because Redis is unreachable becomes a 503 with
 * Retry-After (sign-in, claims and token checks say so plainly) instead of
 * an anonymous 500; best-effort callers such as the live counters catch it.
 */
function answersWhenDown(store: KvStore): KvStore {
  // What failed underneath goes to the log (as the cause), not to the client.
  const fail = (cause: unknown): never => {
    throw Object.assign(
      unavailable('the session store (Redis) is unreachable: try again shortly', 5),
      { cause },
    );
  };
  const guarded = Object.fromEntries(
    Object.entries(store).map(([name, value]) => [
      name,
      typeof value === 'function' && name !== 'close'
        ? (...args: unknown[]) =>
            (value as (...a: unknown[]) => Promise<unknown>)(...args).catch(fail)
        : value,
    ]),
  );
  return guarded as unknown as KvStore;
}
