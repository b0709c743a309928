import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import type { KvStore } from './store.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUnavailable(): Promise<string | null> {
  const probe = new Redis(redisUrl, {
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
    if (process.env.CI === 'true')
      throw new Error(`CI requires Redis at ${redisUrl}: ${String(err)}`);
    return String(err);
  } finally {
    probe.disconnect();
  }
}

const redisProblem = await redisUnavailable();
const stores: KvStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});

const kinds: [string, () => KvStore, string | null][] = [
  ['memory', () => createMemoryStore(), null],
  // A random prefix per run: tests never see another run's keys.
  [
    'redis',
    () => createRedisStore(redisUrl, `niteos-test-${randomBytes(4).toString('hex')}:`),
    redisProblem,
  ],
];

for (const [kind, make, problem] of kinds) {
  const suite = problem ? describe.skip : describe;
  suite(`kv store on ${kind}${problem ? ` (skipped: Redis unreachable: ${problem})` : ''}`, () => {
    const store = () => {
      const s = make();
      stores.push(s);
      return s;
    };

    test('counts hits in a window and says when it resets', async () => {
      const s = store();
      expect(await s.hit('login:1.2.3.4', 60)).toMatchObject({ count: 1 });
      expect(await s.hit('login:1.2.3.4', 60)).toMatchObject({ count: 2 });
      const third = await s.hit('login:1.2.3.4', 60);
      expect(third.count).toBe(3);
      expect(third.resetSeconds).toBeGreaterThan(50);
      expect(third.resetSeconds).toBeLessThanOrEqual(60);
      expect(await s.hit('login:5.6.7.8', 60)).toMatchObject({ count: 1 });
    });

    test('a window ends: the count starts again', async () => {
      const s = store();
      await s.hit('short', 1);
      await s.hit('short', 1);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await s.hit('short', 1)).count).toBe(1);
    });

    test('values expire after their ttl', async () => {
      const s = store();
      await s.set('revoked:u1', '1700000000', 1);
      expect(await s.get('revoked:u1')).toBe('1700000000');
      expect(await s.get('missing')).toBeNull();
      await new Promise((r) => setTimeout(r, 1100));
      expect(await s.get('revoked:u1')).toBeNull();
    });
  });
}
