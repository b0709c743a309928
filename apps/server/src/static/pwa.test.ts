import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, test } from 'vitest';
import type { AppEnv } from '../context.ts';
import { mountPwa } from './pwa.ts';

const root = mkdtempSync(path.join(tmpdir(), 'niteos-pwa-'));
function fakeBuild(name: string) {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), `<title>${name}</title>`);
  writeFileSync(path.join(dir, 'sw.js'), '// worker');
  writeFileSync(path.join(dir, 'assets', 'index-AbCdEf12.js'), 'export {}');
  return dir;
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

function appWith(guestDir: string | null) {
  const app = new Hono<AppEnv>();
  app.get('/api/known', (c) => c.json({ ok: true }));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no route' } }, 404));
  mountPwa(app, '/pos', fakeBuild('pos'), 'The till app');
  mountPwa(app, '', guestDir ?? path.join(root, 'missing'), 'The guest app');
  return app;
}

describe('the guest app at / beside the till at /pos/', () => {
  const app = appWith(fakeBuild('guest'));

  test('client-side routes get the guest index, the till keeps its own', async () => {
    const wallet = await app.request('/market');
    expect(wallet.status).toBe(200);
    expect(await wallet.text()).toContain('<title>guest</title>');
    expect(wallet.headers.get('cache-control')).toBe('no-cache');
    expect(await (await app.request('/pos/sell')).text()).toContain('<title>pos</title>');
  });

  test("each app's start page is never cached either: it names the build's assets", async () => {
    for (const p of ['/', '/pos/', '/index.html']) {
      const res = await app.request(p);
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toContain('<title>');
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
    }
  });

  test('hashed assets are cached forever, the service worker never', async () => {
    const asset = await app.request('/assets/index-AbCdEf12.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/sw.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await app.request('/assets/missing-AbCdEf12.js')).status).toBe(404);
  });

  test('the API and ops paths never fall back to the app', async () => {
    expect(await (await app.request('/api/known')).json()).toEqual({ ok: true });
    for (const p of ['/api/nothing-here', '/health/x', '/metrics/y']) {
      const res = await app.request(p);
      expect(res.status, p).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  test('an unbuilt app says how to build it', async () => {
    const res = await appWith(null).request('/feed');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('pnpm build');
  });
});
