import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';
import type { Drain } from '../lifecycle/drain.ts';
import { runChecks } from './checks.ts';

/**
 * `/api/health`: readiness, `{status, checks}`. 503 only when pushes cannot
 * be taken (database down, migrations pending, shutting down); Redis or
 * the analytics store down gives 200 with status "degraded".
 * `/api/health/live`: the process answers.
 */
export function healthRoutes(deps: AppDeps, drain: Drain) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { ready, ...report } = await runChecks(deps, drain.draining);
      return c.json(
        {
          ...report,
          version: deps.version,
          uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
        },
        ready ? 200 : 503,
      );
    })
    .get('/live', (c) => c.json({ status: 'ok' }));
}
