import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { marketAdminRoutes } from './admin/market.ts';
import { reportAdminRoutes } from './admin/reports.ts';
import { staffAdminRoutes } from './admin/staff.ts';
import { venueAdminExtraRoutes } from './admin/venue-settings.ts';
import { walletAdminRoutes } from './admin/wallets.ts';
import { outboxBacklog } from './analytics/outbox.ts';
import { analyticsAdminRoutes } from './analytics/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { conflictAdminRoutes } from './conflicts/routes.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { boundedRead } from './db/bounded-read.ts';
import type { Tx } from './db/database.ts';
import { causes } from './db/pg-error.ts';
import { errorReply, errorResponse } from './errors.ts';
import { guestRoutes } from './guests/routes.ts';
import { DEFAULT_SILENT_TILL_SECONDS, fleetCounts } from './health/fleet.ts';
import { healthPageRoute } from './health/page.ts';
import { healthRoutes } from './health/routes.ts';
import { trustedProxies } from './http/client-ip.ts';
import { urlText } from './http/url-text.ts';
import { createDrain } from './lifecycle/drain.ts';
import { createMetrics, type Metrics, SCRAPE_READ_TIMEOUT_MS } from './metrics/metrics.ts';
import { mountOpenApi } from './openapi/routes.ts';
import { publicRoutes } from './public/routes.ts';
import { mountPwa } from './static/pwa.ts';
import { syncRoutes } from './sync/routes.ts';
import { tillAdminRoutes } from './tills/routes.ts';
import { venueAdminRoutes } from './venues/routes.ts';
import { walletRoutes } from './wallets/routes.ts';

/** The only way to build the server: tests drive it in-process with `app.request()`. */
export function createApp(input: AppDeps) {
  const metrics: Metrics = input.metrics ?? createMetrics();
  const drain = input.drain ?? createDrain();
  const deps: AppDeps = { ...input, metrics, drain };
  // Bounded by the database too: a scrape that stops waiting would leave its query queued
  // behind a lock (a migration's, say), holding a pooled connection.
  const scrapeRead =
    <T>(what: string, read: (tx: Tx) => Promise<T>) =>
    () =>
      boundedRead(deps.database.db, SCRAPE_READ_TIMEOUT_MS, what, read);
  if (deps.analytics) metrics.trackOutbox(scrapeRead('the outbox backlog', outboxBacklog));
  metrics.trackFleet(
    scrapeRead('the fleet counts', (tx) =>
      fleetCounts(tx, deps.silentTillSeconds ?? DEFAULT_SILENT_TILL_SECONDS),
    ),
  );
  const proxies = deps.trustedProxies?.length ? trustedProxies(deps.trustedProxies) : null;
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) || randomUUID());
    if (proxies) c.set('trustedProxies', proxies);
    await next();
    c.header('x-request-id', c.get('requestId'));
    const route = routePath(c);
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    if (route === '/api/sync/push') metrics.pushes.inc({ status: String(c.res.status) });
    // Method, route pattern, status and timing only: never headers, bodies or tokens.
    if (route.startsWith('/api/')) {
      deps.log({
        level: c.res.status >= 500 ? 'error' : 'info',
        msg: 'request',
        requestId: c.get('requestId'),
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      });
    }
  });
  app.use(urlText);
  app.onError((err, c) => {
    const root = causes(err).at(-1) as { code?: unknown; message?: unknown } | undefined;
    // A full disk (53100) or an I/O error (class 58). Not the rest of class 53:
    // a heavy report's temp_file_limit or out of memory says nothing of writes.
    if (typeof root?.code === 'string' && /^(53100|58)/.test(root.code))
      metrics.noteWriteFailure(root.code, String(root.message));
    return errorResponse(err, c, deps.log);
  });
  app.notFound((c) =>
    c.json(errorReply(ErrorCode.notFound, `no route for ${c.req.method} ${c.req.path}`), 404),
  );

  app.route('/api/auth', authRoutes(deps));
  app.route('/api/sync', syncRoutes(deps, drain));
  app.route('/api', guestRoutes(deps));
  app.route('/api/public', publicRoutes(deps));
  app.route('/api/wallets', walletRoutes(deps));
  app.route('/api/admin/venues', venueAdminRoutes(deps));
  app.route('/api/admin', tillAdminRoutes(deps));
  app.route('/api/admin/conflicts', conflictAdminRoutes(deps));
  app.route('/api/admin', marketAdminRoutes(deps));
  app.route('/api/admin', staffAdminRoutes(deps));
  app.route('/api/admin', venueAdminExtraRoutes(deps));
  app.route('/api/admin', walletAdminRoutes(deps));
  app.route('/api/admin', reportAdminRoutes(deps));
  app.route('/api/admin', analyticsAdminRoutes(deps));
  app.route('/api/health', healthRoutes(deps, drain));
  app.route('/health', healthPageRoute(deps, drain));
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  mountOpenApi(app, deps);
  if (deps.posDir) mountPwa(app, '/pos', deps.posDir, 'The till app');
  // Last: the guest app answers every other GET path, but never for the API or ops pages.
  if (deps.guestDir) mountPwa(app, '', deps.guestDir, 'The guest app');
  return app;
}

export type App = ReturnType<typeof createApp>;
