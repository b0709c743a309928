import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';

/**
 * Caching: hashed assets forever; the service worker, its registration,
 * the manifest and HTML never, so a deploy reaches every till on its next load.
 * A path ending in `/` is served its index.html.
 */
function cacheControl(urlPath: string): string {
  if (/\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.\w+$/.test(urlPath))
    return 'public, max-age=31536000, immutable';
  if (
    /(\/|\/(sw\.js|workbox-[^/]+\.js|registerSW\.js|manifest\.webmanifest|[^/]+\.html))$/.test(
      urlPath,
    )
  ) {
    return 'no-cache';
  }
  return 'public, max-age=3600';
}

/** Paths no app's client-side route may take over: they stay 404 JSON when unknown. */
const SERVER_PATHS = /^\/(api|pos|health|metrics)(\/|$)/;

/**
 * Serves a built PWA under `prefix` (`/pos`, or `''` for the app at the
 * root). Unknown paths under it get the app's index.html so client-side
 * routes survive a reload. When the app is not built, says how to build it
 * instead of a bare 404.
 */
export function mountPwa(app: Hono<AppEnv>, prefix: string, dir: string, name: string) {
  const index = path.join(dir, 'index.html');
  const atRoot = prefix === '';
  if (!atRoot) app.get(prefix, (c) => c.redirect(`${prefix}/`, 301));
  app.use(`${prefix}/*`, async (c, next) => {
    await next();
    // serveStatic's onFound runs after its response is built, too late for a header.
    if (c.res.status === 200 && !c.res.headers.has('cache-control'))
      c.res.headers.set('Cache-Control', cacheControl(c.req.path));
  });
  app.use(
    `${prefix}/*`,
    serveStatic({ root: dir, rewriteRequestPath: (p) => p.slice(prefix.length) || '/' }),
  );
  app.get(`${prefix}/*`, async (c) => {
    if (atRoot && SERVER_PATHS.test(c.req.path)) return c.notFound();
    if (c.req.path.startsWith(`${prefix}/assets/`) || !existsSync(index)) {
      return c.text(
        existsSync(index)
          ? 'not found'
          : `${name} is not built: run pnpm build (pnpm start does it for you)`,
        existsSync(index) ? 404 : 503,
      );
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(index, 'utf8'));
  });
}
