import { randomBytes } from 'node:crypto';
import { inCi } from '@niteos/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { createMemoryStore } from '../kv/memory-store.ts';
import { createRedisStore } from '../kv/redis-store.ts';
import type { KvStore } from '../kv/store.ts';

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Null when Redis answers; the reason otherwise (under CI=true: throws). */
async function redisUnavailable(): Promise<string | null> {
  const probe = new Redis(testRedisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (err) {
    if (inCi()) throw new Error(`CI requires Redis at ${testRedisUrl}: ${String(err)}`);
    return String(err);
  } finally {
    probe.disconnect();
  }
}

export const redisProblem = await redisUnavailable();

/**
 * Runs `body` once per KvStore implementation: in memory and on the real
 * Redis (skipped with the reason when it is unreachable outside CI). Each
 * Redis store gets a random key prefix, so runs never see each other's keys.
 */
export function describeEachKvStore(name: string, body: (store: () => KvStore) => void) {
  const stores: KvStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });
  const kinds: [string, () => KvStore, string | null][] = [
    ['memory', () => createMemoryStore(), null],
    [
      'redis',
      () => createRedisStore(testRedisUrl, `niteos-test-${randomBytes(4).toString('hex')}:`),
      redisProblem,
    ],
  ];
  for (const [kind, make, problem] of kinds) {
    const suite = problem ? describe.skip : describe;
    suite(`${name} on ${kind}${problem ? ` (skipped: Redis unreachable: ${problem})` : ''}`, () =>
      body(() => {
        const s = make();
        stores.push(s);
        return s;
      }));
  }
}
