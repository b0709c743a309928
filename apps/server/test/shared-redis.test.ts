import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { redisProblem, testRedisUrl } from '../src/test-support/kv-stores.ts';
import {
  ADMIN,
  createVenue,
  describeWithServers,
  enrollTill,
  loginAdmin,
  newNitetapId,
  pushOk,
  type ServerProcess,
} from './support/server-process.ts';

const TITLE = 'two server processes sharing one Redis';

if (redisProblem) {
  describe.skip(`${TITLE} (skipped: Redis unreachable: ${redisProblem})`, () => {
    test('needs Redis', () => {});
  });
} else {
  describeWithServers('postgres', TITLE, (suite) => {
    // This run's own keys: other runs on the same Redis never see them.
    const prefix = `niteos-test-${randomBytes(4).toString('hex')}:`;
    let a: ServerProcess;
    let b: ServerProcess;
    let token: string;
    let venueId: string;

    beforeAll(async () => {
      const storage = await suite.storage();
      Object.assign(storage.env, { REDIS_URL: testRedisUrl, NITEOS_REDIS_PREFIX: prefix });
      a = await suite.start('redis server A');
      b = await suite.start('redis server B');
      token = await loginAdmin(a);
      venueId = await createVenue(a, token);
    });
    afterAll(async () => {
      const redis = new Redis(testRedisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    test('both say Redis is their session store', async () => {
      for (const server of [a, b]) {
        const health = await server.json('GET', '/api/health');
        expect(health.body.checks.redis).toMatchObject({ status: 'up', kind: 'redis' });
      }
    });

    test('wrong passwords on either process count against one limit', async () => {
      const email = `guessed-${randomBytes(4).toString('hex')}@niteos.test`;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const server = i % 2 === 0 ? a : b;
        statuses.push(
          (await server.json('POST', '/api/auth/login', null, { email, password: 'wrong-pass-1' }))
            .status,
        );
      }
      // Ten tries per email in all, not ten on each process.
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
    });

    test('a sale pushed through one process shows in the live counters read on the other', async () => {
      const till = await enrollTill(a, token, venueId, 'Bar shared');
      const tag = newNitetapId();
      await pushOk(till, a.send, [await till.topup(tag, 5000), await till.sale(tag, 700)]);
      await expect
        .poll(async () => (await b.json('GET', `/api/admin/venues/${venueId}/live`, token)).body)
        .toMatchObject({ guests: 1, sales: { nc: { count: 1, amountNc: 700 } } });
    });

    test('signing out everywhere on one process is refused on the other at once', async () => {
      const login = await a.json('POST', '/api/auth/login', null, ADMIN);
      expect(login.status).toBe(200);
      const mine: string = login.body.accessToken;
      expect((await b.json('GET', '/api/admin/venues', mine)).status).toBe(200);
      expect((await a.json('POST', '/api/auth/logout-everywhere', mine)).status).toBe(204);
      expect((await b.json('GET', '/api/admin/venues', mine)).status).toBe(401);
    });
  });
}
