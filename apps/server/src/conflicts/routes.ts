import { resolveConflictSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { z } from 'zod';
import { ADMINS, assertVenueAccess, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { countInBackground } from '../counters/live-counters.ts';
import { badRequest } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { describeIssues, parseJson } from '../http/validate.ts';
import { conflictDetail, getConflict, listConflicts, resolveConflict } from './service.ts';

/** `GET /api/admin/conflicts`' query (also the OpenAPI document's). */
export const conflictListQuery = z.strictObject({
  status: z.enum(['open', 'resolved']).optional(),
  venueId: z.string().min(1).optional(),
});

/** `/api/admin/conflicts`: held ops for admins of their venue. */
export function conflictAdminRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .get('/', requireRole(deps, ...ADMINS), async (c) => {
      const query = conflictListQuery.safeParse(c.req.query());
      if (!query.success) throw badRequest(describeIssues(query.error));
      return c.json(await listConflicts(db, c.get('user'), query.data));
    })
    .get('/:conflictId', requireRole(deps, ...ADMINS), async (c) =>
      c.json(await conflictDetail(db, c.get('user'), c.req.param('conflictId'))),
    )
    .post('/:conflictId/resolve', requireRole(deps, ...ADMINS), async (c) => {
      // Venue first: another venue's admin learns nothing from a 400 about the body.
      assertVenueAccess(c.get('user'), (await getConflict(db, c.req.param('conflictId'))).venueId);
      const body = await parseJson(c, resolveConflictSchema);
      const { conflict, standing } = await resolveConflict(
        db,
        c.get('user'),
        c.req.param('conflictId'),
        body,
        clientIp(c),
      );
      countInBackground(deps, conflict.venueId, { tags: [], standing });
      return c.json(conflict);
    });
}
