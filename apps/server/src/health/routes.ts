import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';
import { migrationStatus } from '../db/database.ts';

async function databaseCheck(deps: AppDeps) {
  const started = performance.now();
  try {
    await deps.database.db.execute(sql`select 1`);
    return {
      status: 'up' as const,
      kind: deps.database.kind,
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    return {
      status: 'down' as const,
      kind: deps.database.kind,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/**
 * `/api/health`: readiness. 200 when pushes can be taken (database up,
 * migrations current), 503 otherwise. `/api/health/live`: the process answers.
 */
export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const database = await databaseCheck(deps);
      const migrations =
        database.status === 'up'
          ? await migrationStatus(deps.database.db)
          : { expected: 0, applied: 0 };
      const current = database.status === 'up' && migrations.applied >= migrations.expected;
      return c.json(
        {
          status: current ? 'ok' : 'degraded',
          checks: {
            database,
            migrations: { status: current ? 'current' : 'pending', ...migrations },
          },
          version: deps.version,
          uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
        },
        current ? 200 : 503,
      );
    })
    .get('/live', (c) => c.json({ status: 'ok' }));
}
