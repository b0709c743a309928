import { createVenueSchema, Role } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { ADMINS, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { createVenue, listVenues, venueView } from './service.ts';

/** `/api/admin/venues`: Nitecore admins create venues; admins list the venues they run. */
export function venueAdminRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', requireRole(deps, ...ADMINS), async (c) => {
      const rows = await listVenues(deps.database.db, c.get('user'));
      return c.json({ venues: rows.map(venueView) });
    })
    .post('/', requireRole(deps, Role.nitecoreAdmin), async (c) => {
      const body = await parseJson(c, createVenueSchema);
      const venue = await createVenue(deps.database.db, body, c.get('user'), clientIp(c));
      return c.json(venueView(venue), 201);
    });
}
