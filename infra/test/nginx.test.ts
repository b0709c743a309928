/// <reference lib="dom" />
import { randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { chromiumUnavailable, launchChromium } from '@niteos/test-support/browser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createVenue,
  describeWithServers,
  enrollTill,
  expectBooksBalance,
  loginAdmin,
  newNitetapId,
  pushOk,
  type ServerProcess,
  type Storage,
  seededRandom,
  walletBalance,
} from '../../apps/server/test/support/server-process.ts';
import {
  expectedBalances,
  newPushLog,
  planTillOps,
  pushUntilAcknowledged,
} from '../../apps/server/test/support/till-ops.ts';
import { buildAppRoots } from './support/app-builds.ts';
import {
  freePort,
  Nginx,
  nginxTest,
  nginxUnavailable,
  removeSite,
  renderSite,
} from './support/nginx.ts';

/**
 * The shipped nginx config (infra/nginx/niteos.conf.template, rendered by
 * render.sh) on Debian's nginx, in front of real server processes on one
 * PostgreSQL database, with both built PWAs.
 */

const nginxSkip = await nginxUnavailable();
const chromiumSkip = chromiumUnavailable();

/** Pushes this process has answered (its own push latency histogram's count). */
async function pushesHandled(server: ServerProcess): Promise<number> {
  const text = await (await server.send('/metrics')).text();
  return [...text.matchAll(/^niteos_push_duration_seconds_count(?:\{[^}]*\})? (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

async function firstAsset(root: string, ext: string): Promise<string> {
  const name = (await readdir(path.join(root, 'assets'))).find((f) => f.endsWith(ext));
  if (!name) throw new Error(`no *${ext} in ${root}/assets`);
  return name;
}

if (nginxSkip) {
  describe.skip(`nginx (skipped: ${nginxSkip})`, () => {
    test('needs nginx', () => {});
  });
} else {
  describe('the shipped nginx config', () => {
    test('passes nginx -t with TLS, both app roots and two upstreams', async () => {
      const site = await renderSite({
        upstreamPorts: [8081, 8082],
        guestRoot: '/opt/niteos/current/apps/guest-pwa/dist',
        posRoot: '/opt/niteos/current/apps/pos-pwa/dist',
      });
      const result = await nginxTest(site);
      await removeSite(site);
      expect(result.output).toContain('syntax is ok');
      expect(result.output).toContain('test is successful');
      expect(result.code).toBe(0);
    });

    test('renders processes on other hosts as host:port, and passes nginx -t', async () => {
      const site = await renderSite({
        upstreamPorts: [8081, '10.0.0.5:8081', '10.0.0.6:8082'],
        guestRoot: '/opt/niteos/current/apps/guest-pwa/dist',
        posRoot: '/opt/niteos/current/apps/pos-pwa/dist',
      });
      const conf = await readFile(path.join(site.dir, 'niteos.conf'), 'utf8');
      const result = await nginxTest(site);
      await removeSite(site);
      for (const upstream of ['127.0.0.1:8081', '10.0.0.5:8081', '10.0.0.6:8082'])
        expect(conf).toContain(`server ${upstream} max_fails=2`);
      expect(result.output).toContain('test is successful');
    });

    test("passes nginx -t inside Debian's own nginx.conf, as sites-enabled/niteos.conf", async () => {
      const site = await renderSite({
        upstreamPorts: [8081, 8082],
        guestRoot: '/opt/niteos/current/apps/guest-pwa/dist',
        posRoot: '/opt/niteos/current/apps/pos-pwa/dist',
        main: 'debian',
      });
      const result = await nginxTest(site);
      await removeSite(site);
      expect(result.output).not.toMatch(/\[warn\]|\[emerg\]/);
      expect(result.output).toContain('test is successful');
      expect(result.code).toBe(0);
    });

    test('render.sh refuses a path that would break out of its directive', async () => {
      await expect(
        renderSite({ upstreamPorts: [8081], guestRoot: '/srv/x; include /etc', posRoot: '/srv/p' }),
      ).rejects.toThrow(/NITEOS_GUEST_ROOT contains/);
      await expect(
        renderSite({ upstreamPorts: [0], guestRoot: '/srv/g', posRoot: '/srv/p' }),
      ).rejects.toThrow(/non-port/);
      await expect(
        renderSite({ upstreamPorts: ['10.0.0.5:8081;x'], guestRoot: '/srv/g', posRoot: '/srv/p' }),
      ).rejects.toThrow(/non-port: 10\.0\.0\.5:8081;x/);
      await expect(
        renderSite({
          upstreamPorts: [8081],
          guestRoot: '/srv/g',
          posRoot: '/srv/p',
          opsNetworks: '10.0.0.0/8 1; default 1',
        }),
      ).rejects.toThrow(/NITEOS_OPS_NETWORKS has a non-network: 1;/);
    });

    test('answers 403 for the ops pages and readiness to anyone outside the ops networks', async () => {
      // This machine is outside TEST-NET-1, and nothing listens upstream:
      // what nginx does not refuse itself it proxies, and fails with 502.
      const nginx = await Nginx.start({
        upstreamPorts: [await freePort()],
        guestRoot: '/srv/g',
        posRoot: '/srv/p',
        opsNetworks: '192.0.2.0/24 2001:db8::/32',
      });
      try {
        const statuses: Record<string, number> = {};
        for (const p of ['/health', '/health/', '/api/health', '/api/health/live', '/metrics']) {
          statuses[p] = (await nginx.https(p)).status;
        }
        statuses['/api/openapi.json'] = (await nginx.https('/api/openapi.json')).status;
        expect(statuses).toEqual({
          '/health': 403,
          '/health/': 403,
          '/api/health': 403,
          '/api/health/live': 403,
          '/metrics': 403,
          '/api/openapi.json': 502,
        });
      } finally {
        await nginx.stop();
      }
    });
  });

  describe('the shipped nginx config in front of two stand-in processes', () => {
    /**
     * Stand-ins for two server processes with Redis down: wallet look-ups
     * answer 503 (their rate limit cannot be counted), pushes and the
     * public venue list still work, the latter with its own minute of caching.
     * Each records what it was asked.
     */
    async function standIn(pushStatus: number) {
      const asked: string[] = [];
      const server = http.createServer((req, res) => {
        asked.push(`${req.method} ${req.url}`);
        req.resume().on('end', () => {
          if (req.url?.startsWith('/api/sync/wallets/')) res.writeHead(503).end('{}');
          else if (req.url === '/api/sync/push') res.writeHead(pushStatus).end('{}');
          else res.writeHead(200, { 'cache-control': 'public, max-age=60' }).end('[]');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      return { port, asked, close: () => new Promise((r) => server.close(r)) };
    }

    test("a route's 503 goes to the client untried elsewhere; only a push's is retried", async () => {
      const [draining, up] = [await standIn(503), await standIn(200)];
      const nginx = await Nginx.start({
        upstreamPorts: [draining.port, up.port],
        guestRoot: '/srv/g',
        posRoot: '/srv/p',
      });
      try {
        // Tills look tags up every few seconds: more than max_fails on each process.
        for (let i = 0; i < 6; i++)
          expect((await nginx.https('/api/sync/wallets/c0ffee01')).status).toBe(503);
        const lookups = [...draining.asked, ...up.asked].filter((a) => a.includes('/wallets/'));
        expect(lookups).toHaveLength(6);
        // Neither process was marked failed: pushes and the rest of the API still pass.
        for (let i = 0; i < 4; i++) {
          const push = await nginx.https('/api/sync/push', { method: 'POST', body: '{}' });
          expect(push.status).toBe(200);
        }
        expect(draining.asked.filter((a) => a === 'POST /api/sync/push').length).toBeGreaterThan(0);
        const venues = await nginx.https('/api/public/venues');
        expect(venues.status).toBe(200);
        expect(venues.headers['cache-control']).toBe('public, max-age=60');
        const push = await nginx.https('/api/sync/push', { method: 'POST', body: '{}' });
        expect(push.headers['cache-control']).toBe('no-store');
      } finally {
        await nginx.stop();
        await Promise.all([draining.close(), up.close()]);
      }
    });
  });

  describeWithServers('postgres', 'nginx in front of two server processes', (suite) => {
    let a: ServerProcess;
    let b: ServerProcess;
    let nginx: Nginx;
    let storage: Storage;
    let token: string;
    let venueId: string;
    let roots: Awaited<ReturnType<typeof buildAppRoots>>;

    beforeAll(async () => {
      roots = await buildAppRoots();
      storage = await suite.storage();
      [a, b] = await Promise.all([suite.start('server A'), suite.start('server B')]);
      nginx = await Nginx.start({
        upstreamPorts: [a.port, b.port],
        guestRoot: roots.guestRoot,
        posRoot: roots.posRoot,
      });
      token = await loginAdmin(a);
      venueId = await createVenue(a, token);
    });
    afterAll(async () => {
      await nginx?.stop();
      await roots?.remove();
    });

    test('plain HTTP redirects to HTTPS, except the ACME challenge', async () => {
      const redirect = await nginx.http('/pos/admin?x=1');
      expect(redirect.status).toBe(301);
      expect(redirect.headers.location).toBe(
        `https://localhost:${nginx.site.httpsPort}/pos/admin?x=1`,
      );
      // certbot --webroot writes its token under .well-known/acme-challenge/ in the webroot.
      const challenges = path.join(nginx.site.acmeRoot, '.well-known/acme-challenge');
      await mkdir(challenges, { recursive: true });
      await writeFile(path.join(challenges, 'token-1'), 'challenge-answer');
      const acme = await nginx.http('/.well-known/acme-challenge/token-1');
      expect(acme.status).toBe(200);
      expect(acme.body).toBe('challenge-answer');
    });

    test('serves the guest app at / with security headers and an SPA fallback', async () => {
      for (const p of ['/', '/wallet/abc?from=qr']) {
        const res = await nginx.https(p);
        expect(res.status, p).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.body).toMatch(/<div id="(root|app)">/);
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{8}/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['permissions-policy']).toContain('camera=()');
        // The venue's radio stream and feed images live elsewhere.
        expect(res.headers['content-security-policy']).toContain("media-src 'self' blob: https:");
        expect(res.headers.server).toBe('nginx');
      }
      const asset = await firstAsset(roots.guestRoot, '.js');
      const js = await nginx.https(`/assets/${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(js.headers['content-type']).toMatch(/javascript/);
      // A missing hashed asset is a 404, never the HTML shell (which would poison a cache).
      const gone = await nginx.https('/assets/index-0000000000.js');
      expect(gone.status).toBe(404);
      expect(gone.headers['cache-control']).toBeUndefined();
    });

    test('serves the till at /pos/ with NFC and camera allowed, SW and manifest never cached', async () => {
      expect((await nginx.https('/pos')).headers.location).toMatch(/\/pos\/$/);
      for (const p of ['/pos/', '/pos/admin/reports']) {
        const res = await nginx.https(p);
        expect(res.status, p).toBe(200);
        expect(res.body).toContain('<title>NiteOS Till</title>');
        expect(res.headers['cache-control']).toBe('no-cache');
        expect(res.headers['permissions-policy']).toContain('nfc=(self)');
        expect(res.headers['permissions-policy']).toContain('camera=(self)');
        expect(res.headers['content-security-policy']).toContain("connect-src 'self';");
      }
      const asset = await firstAsset(roots.posRoot, '.js');
      const js = await nginx.https(`/pos/assets/${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await nginx.https('/pos/assets/nope-00000000.js')).status).toBe(404);

      const sw = await nginx.https('/pos/sw.js');
      expect(sw.status).toBe(200);
      expect(sw.headers['cache-control']).toBe('no-cache');
      const workbox = (await readdir(roots.posRoot)).find((f) => /^workbox-.*\.js$/.test(f));
      expect(workbox).toBeDefined();
      expect((await nginx.https(`/pos/${workbox}`)).headers['cache-control']).toBe('no-cache');
      const manifest = await nginx.https('/pos/manifest.webmanifest');
      expect(manifest.status).toBe(200);
      expect(manifest.headers['content-type']).toBe('application/manifest+json');
      expect(manifest.headers['cache-control']).toBe('no-cache');
      expect(JSON.parse(manifest.body).scope).toBe('/pos/');
    });

    test.skipIf(chromiumSkip !== null)(
      `both apps start in Chromium under the shipped CSP without a violation${chromiumSkip ? ` (skipped: ${chromiumSkip})` : ''}`,
      async () => {
        const browser = await launchChromium();
        try {
          const context = await browser.newContext({ ignoreHTTPSErrors: true });
          await context.addInitScript(() => {
            const seen: string[] = [];
            (window as unknown as { cspViolations: string[] }).cspViolations = seen;
            document.addEventListener('securitypolicyviolation', (e) =>
              seen.push(`${e.violatedDirective} ${e.blockedURI}`),
            );
          });
          for (const p of ['/', '/feed', '/pos/', '/pos/admin']) {
            const page = await context.newPage();
            const consoleCsp: string[] = [];
            page.on('console', (m) => {
              if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
            });
            const res = await page.goto(`https://localhost:${nginx.site.httpsPort}${p}`);
            expect(res?.status(), p).toBe(200);
            // The app rendered: its root has content, so its scripts and styles loaded.
            await expect
              .poll(() =>
                page.evaluate(() => document.querySelector('#root, #app')?.childElementCount ?? 0),
              )
              .toBeGreaterThan(0);
            await page.waitForLoadState('networkidle');
            const violations = await page.evaluate(
              () => (window as unknown as { cspViolations: string[] }).cspViolations,
            );
            expect({ path: p, violations, consoleCsp }).toEqual({
              path: p,
              violations: [],
              consoleCsp: [],
            });
            await page.close();
          }
          // The server-rendered pages style themselves inline.
          for (const p of ['/health', '/api/docs']) {
            const page = await context.newPage();
            const res = await page.goto(`https://localhost:${nginx.site.httpsPort}${p}`);
            expect(res?.status(), p).toBe(200);
            await page.waitForLoadState('networkidle');
            const background = await page.evaluate(
              () => getComputedStyle(document.body).backgroundColor,
            );
            const violations = await page.evaluate(
              () => (window as unknown as { cspViolations: string[] }).cspViolations,
            );
            // Unstyled, the body would be transparent (rgba(0, 0, 0, 0)).
            expect({ path: p, violations, styled: background !== 'rgba(0, 0, 0, 0)' }).toEqual({
              path: p,
              violations: [],
              styled: true,
            });
            await page.close();
          }
        } finally {
          await browser.close();
        }
      },
    );

    test('proxies /api/, /health and /metrics to the servers, never to an app shell', async () => {
      const health = await nginx.https('/api/health');
      expect(health.status).toBe(200);
      expect(health.headers['content-type']).toMatch(/application\/json/);
      expect(health.headers['cache-control']).toBe('no-store');
      // nginx's request id reaches the server, which echoes it.
      expect(health.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);

      const missing = await nginx.https('/api/no-such-route');
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body).error.code).toBe('not_found');

      const page = await nginx.https('/health');
      // Answered by a server process (its request id), not by nginx or a PWA shell.
      expect(page.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(page.body).not.toContain('<title>NiteOS Till</title>');

      const metrics = await nginx.https('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('# TYPE');

      const tried = (await nginx.upstreams('/')).flat();
      expect(tried.length).toBeGreaterThanOrEqual(3);
      for (const u of tried) expect([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]).toContain(u);
    });

    test('nginx drops an idle upstream connection before the server would close it', async () => {
      // The other way round, a request nginx sends as the server closes the
      // connection fails with a 502 that nginx does not retry for a POST.
      const conf = await readFile(path.join(nginx.site.dir, 'niteos.conf'), 'utf8');
      const nginxIdle = conf.match(/upstream niteos_api \{[^}]*keepalive_timeout (\d+)s;/)?.[1];
      const serverIdle = await new Promise<string | undefined>((resolve, reject) => {
        const agent = new http.Agent({ keepAlive: true });
        http
          .get({ host: '127.0.0.1', port: a.port, path: '/api/health/live', agent }, (res) => {
            res.resume();
            agent.destroy();
            resolve(String(res.headers['keep-alive']).match(/timeout=(\d+)/)?.[1]);
          })
          .on('error', reject);
      });
      expect(nginxIdle, 'keepalive_timeout in the niteos_api upstream').toBeDefined();
      expect(serverIdle, "the server's Keep-Alive header").toBeDefined();
      expect(Number(serverIdle)).toBeGreaterThan(Number(nginxIdle));
    });

    test('limits request bodies: the server answers up to 2 MiB in the contract, nginx above', async () => {
      const till = await enrollTill(a, token, venueId, 'Body limits');
      const headers = {
        authorization: `Bearer ${till.deviceToken}`,
        'content-type': 'application/json',
      };
      const padded = (bytes: number) =>
        JSON.stringify({ tillId: till.tillId, ops: [], pad: 'x'.repeat(bytes) });
      const overContract = await nginx.https('/api/sync/push', {
        method: 'POST',
        headers,
        body: padded(1.5 * 1024 * 1024),
      });
      expect(overContract.status).toBe(413);
      expect(overContract.headers['x-request-id']).toBeDefined(); // the server's answer
      expect(JSON.parse(overContract.body).error.code).toBe('payload_too_large');

      const absurd = await nginx.https('/api/sync/push', {
        method: 'POST',
        headers,
        body: padded(3 * 1024 * 1024),
      });
      expect(absurd.status).toBe(413);
      expect(absurd.headers['x-request-id']).toBeUndefined(); // nginx's answer
      expect(JSON.parse(absurd.body).error.code).toBe('payload_too_large');

      const toApp = await nginx.https('/', { method: 'POST', body: 'x'.repeat(100_000) });
      expect(toApp.status).toBe(413);
    });

    test('tills pushing the same ops through nginx to both processes: each op applies exactly once', async () => {
      const seed = randomInt(2 ** 31);
      const till = await enrollTill(a, token, venueId, 'Bar behind nginx');
      const plan = await planTillOps(
        till,
        Array.from({ length: 4 }, newNitetapId),
        120,
        seededRandom(seed),
        5_000,
      );
      const ops = plan.ops.map((o) => o.signed);
      const handledBefore = await Promise.all([a, b].map(pushesHandled));

      // Six copies of the batch at once: nginx spreads them over A and B.
      const replies = await Promise.all(
        Array.from({ length: 6 }, async () => (await pushOk(till, nginx.send, ops)).results),
      );
      const handled = await Promise.all([a, b].map(pushesHandled));
      const [byA, byB] = handled.map((n, i) => n - (handledBefore[i] ?? 0));
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
      expect((byA ?? 0) + (byB ?? 0)).toBe(6);

      const applications = new Map<string, number>();
      for (const results of replies) {
        expect(results.map((r) => r.id)).toEqual(ops.map((o) => o.envelope.id));
        results.forEach((r, i) => {
          if (!r.duplicate) applications.set(r.id, (applications.get(r.id) ?? 0) + 1);
          expect(r.status, `seed ${seed}`).toBe('applied');
          expect(r.balanceNc, `seed ${seed}`).toBe(plan.ops[i]?.balanceAfter);
        });
      }
      expect(ops.map((o) => applications.get(o.envelope.id) ?? 0)).toEqual(ops.map(() => 1));
      const expected = expectedBalances(ops);
      for (const server of [a, b]) {
        for (const [tag, balance] of expected)
          expect(await walletBalance(server, token, tag)).toBe(balance);
      }
      await expectBooksBalance(storage);
    });

    test('when a process dies mid-stream nginx moves the tills to the other one, exactly once', async () => {
      const seed = randomInt(2 ** 31);
      const rand = seededRandom(seed);
      const tills = await Promise.all(
        ['Left', 'Right'].map((n) => enrollTill(b, token, venueId, `Bar ${n}`)),
      );
      const plans = await Promise.all(
        tills.map((t) => planTillOps(t, Array.from({ length: 3 }, newNitetapId), 200, rand, 5_000)),
      );
      const logs = plans.map(() => newPushLog());
      let acknowledgedBatches = 0;
      let killed: Promise<unknown> | null = null;
      const deadline = Date.now() + 120_000;
      await Promise.all(
        plans.map((plan, i) =>
          pushUntilAcknowledged({
            till: plan.till,
            ops: plan.ops.map((o) => o.signed),
            send: () => nginx.send,
            batchSize: 10,
            log: logs[i] as (typeof logs)[number],
            deadline,
            onAcknowledged: () => {
              acknowledgedBatches++;
              if (acknowledgedBatches === 6) killed = a.kill('SIGKILL');
            },
          }),
        ),
      );
      await killed;
      expect(a.exit?.signal).toBe('SIGKILL');
      // nginx resent what A could not answer to B: no till saw an error.
      const resent = (await nginx.upstreams('/api/sync/push')).filter((t) => t.length > 1);
      expect(resent.length).toBeGreaterThan(0);
      expect(resent.every((t) => t.at(-1) === `127.0.0.1:${b.port}`)).toBe(true);
      for (const log of logs) {
        expect(log.networkErrors).toBe(0);
        expect(log.httpErrors).toEqual([]);
      }
      for (const [i, plan] of plans.entries()) {
        const ack = (logs[i] as (typeof logs)[number]).acknowledged;
        expect(ack.size).toBe(plan.ops.length);
        for (const [j, op] of plan.ops.entries()) {
          const r = ack.get(op.signed.envelope.id);
          expect(r?.status, `seed ${seed}`).toBe('applied');
          expect(r?.balanceNc, `seed ${seed} till ${i} op ${j}`).toBe(op.balanceAfter);
        }
        for (const [tag, balance] of expectedBalances(plan.ops.map((o) => o.signed)))
          expect(await walletBalance(b, token, tag)).toBe(balance);
      }
      await expectBooksBalance(storage);
    });
  });
}
