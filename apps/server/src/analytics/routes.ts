import { Hono } from 'hono';
import { ADMINS, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { readLiveCounters } from '../counters/live-counters.ts';
import { badRequest } from '../errors.ts';
import { readTimeRange } from '../http/time-range.ts';
import { venueForAdmin } from '../venues/service.ts';
import { venueSnapshot } from './snapshots.ts';

const MAX_RANGE_DAYS = 92;

/** Back-office analytics of one venue: tonight's live counters and the snapshots. */
export function analyticsAdminRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/venues/:venueId/live', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(deps.database.db, c.get('user'), venueId);
      return c.json(await readLiveCounters(deps.kv, venueId, new Date()));
    })
    .get('/venues/:venueId/analytics', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(deps.database.db, c.get('user'), venueId);
      const { from, to } = readTimeRange(c.req.query(), 7 * 24 * 3600_000);
      if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 24 * 3600_000)
        throw badRequest(`a range may span at most ${MAX_RANGE_DAYS} days`);
      return c.json(await venueSnapshot(deps.database.db, deps.analytics, venueId, from, to));
    });
}
