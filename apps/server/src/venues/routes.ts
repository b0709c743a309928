import { createVenueSchema, Role } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { createVenue, venueView } from './service.ts';

/** `/api/admin/venues`: Nitecore admins create venues. */
export function venueAdminRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/', requireRole(deps, Role.nitecoreAdmin), async (c) => {
    const body = await parseJson(c, createVenueSchema);
    const venue = await createVenue(deps.database.db, body, c.get('user'), clientIp(c));
    return c.json(venueView(venue), 201);
  });
}
