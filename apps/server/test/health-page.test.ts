import { type ChildProcess, spawn } from 'node:child_process';
import { chromiumUnavailable, launchChromium } from '@niteos/test-support/browser';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { closedPort } from '../src/test-support/closed-port.ts';
import { describeWithServers } from './support/server-process.ts';

/**
 * A private redis-server on a random port, so the test can stop it: the
 * machine's shared Redis on 6379 serves other suites and is never touched.
 */
async function startPrivateRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await closedPort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, process: child };
    } catch (err) {
      probe.disconnect();
      if (i > 50) throw new Error(`private redis-server did not start: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const noChromium = chromiumUnavailable();
if (noChromium) {
  describe.skip(`the /health page in Chromium (skipped: ${noChromium})`, () => {
    test('needs Chromium', () => {});
  });
} else {
  describeWithServers('pglite', 'the /health page in Chromium', (suite) => {
    let browser: Browser | null = null;
    let redis: ChildProcess | null = null;
    afterAll(async () => {
      await browser?.close();
      if (redis && redis.exitCode === null) redis.kill('SIGKILL');
    });

    test('renders without JavaScript and shows a stopped Redis as down while readiness stays 200', async () => {
      const privateRedis = await startPrivateRedis();
      redis = privateRedis.process;
      const server = await suite.start('server on a private Redis', {
        env: { REDIS_URL: privateRedis.url, NITEOS_SILENT_TILL_SECONDS: '60' },
      });
      browser = await launchChromium();
      // No script: the page must work when the front ends are broken.
      const page = await browser.newPage({ javaScriptEnabled: false });
      const url = `http://127.0.0.1:${server.port}/health`;

      expect((await page.goto(url))?.status()).toBe(200);
      expect(await page.locator('#status').textContent()).toBe('OK');
      const redisRow = page.locator('#checks tr', { hasText: 'Redis' });
      expect(await redisRow.textContent()).toContain('UP');
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('10');

      const stopped = new Promise((resolve) => redis?.once('exit', resolve));
      redis.kill('SIGKILL');
      await stopped;

      await page.reload();
      expect(await page.locator('#status').textContent()).toBe('DEGRADED');
      const down = await redisRow.textContent();
      expect(down).toContain('DOWN');
      expect(down).toContain('redis');
      expect(await page.locator('#checks tr', { hasText: 'Database' }).textContent()).toContain(
        'UP',
      );
      await page.screenshot({ path: '/tmp/niteos-health-redis-down.png', fullPage: true });

      const api = await server.json<{ status: string; checks: { redis: { status: string } } }>(
        'GET',
        '/api/health',
      );
      expect(api.status).toBe(200);
      expect(api.body).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down' } } });
    });
  });
}
