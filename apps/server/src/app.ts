import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { marketAdminRoutes } from './admin/market.ts';
import { reportAdminRoutes } from './admin/reports.ts';
import { staffAdminRoutes } from './admin/staff.ts';
import { venueAdminExtraRoutes } from './admin/venue-settings.ts';
import { walletAdminRoutes } from './admin/wallets.ts';
import { authRoutes } from './auth/routes.ts';
import { conflictAdminRoutes } from './conflicts/routes.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { errorResponse } from './errors.ts';
import { guestRoutes } from './guests/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { mountOpenApi } from './openapi/routes.ts';
import { mountPwa } from './static/pwa.ts';
import { syncRoutes } from './sync/routes.ts';
import { tillAdminRoutes } from './tills/routes.ts';
import { venueAdminRoutes } from './venues/routes.ts';
import { walletRoutes } from './wallets/routes.ts';

/** The only way to build the server: tests drive it in-process with `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) || randomUUID());
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  app.onError((err, c) => errorResponse(err, c, deps.log));
  app.notFound((c) =>
    c.json(
      {
        error: { code: ErrorCode.notFound, message: `no route for ${c.req.method} ${c.req.path}` },
      },
      404,
    ),
  );

  app.route('/api/auth', authRoutes(deps));
  app.route('/api/sync', syncRoutes(deps));
  app.route('/api', guestRoutes(deps));
  app.route('/api/wallets', walletRoutes(deps));
  app.route('/api/admin/venues', venueAdminRoutes(deps));
  app.route('/api/admin', tillAdminRoutes(deps));
  app.route('/api/admin/conflicts', conflictAdminRoutes(deps));
  app.route('/api/admin', marketAdminRoutes(deps));
  app.route('/api/admin', staffAdminRoutes(deps));
  app.route('/api/admin', venueAdminExtraRoutes(deps));
  app.route('/api/admin', walletAdminRoutes(deps));
  app.route('/api/admin', reportAdminRoutes(deps));
  app.route('/api/health', healthRoutes(deps));
  mountOpenApi(app, deps);
  if (deps.posDir) mountPwa(app, '/pos', deps.posDir, 'The till app');
  return app;
}

export type App = ReturnType<typeof createApp>;
