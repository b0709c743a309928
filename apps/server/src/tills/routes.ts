import { clearTillFlagSchema, enrollTillSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { z } from 'zod';
import { ADMINS, assertVenueAccess, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { badRequest } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { venueForAdmin } from '../venues/service.ts';
import { clearTillFlag, enrollTill, getTill, reenrollTill, revokeTill } from './service.ts';

/** `/api/admin/...` till enrollment, re-enrollment, revocation and flags (admins of the venue). */
export function tillAdminRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/venues/:venueId/tills', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const body = await parseJson(c, enrollTillSchema);
      return c.json(await enrollTill(db, { venueId, ...body }, c.get('user'), clientIp(c)), 201);
    })
    .post('/venues/:venueId/tills/:tillId/reenroll', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      const tillId = c.req.param('tillId');
      await venueForAdmin(db, c.get('user'), venueId);
      if (!z.uuid().safeParse(tillId).success) throw badRequest('tillId must be a UUID');
      const body = await parseJson(c, enrollTillSchema);
      return c.json(
        await reenrollTill(db, { venueId, tillId, ...body }, c.get('user'), clientIp(c)),
      );
    })
    .post('/tills/:tillId/revoke', requireRole(deps, ...ADMINS), async (c) => {
      const till = await getTill(db, c.req.param('tillId'));
      assertVenueAccess(c.get('user'), till.venueId);
      return c.json(await revokeTill(db, till.id, c.get('user'), clientIp(c)));
    })
    .post('/tills/:tillId/clear-flag', requireRole(deps, ...ADMINS), async (c) => {
      const till = await getTill(db, c.req.param('tillId'));
      assertVenueAccess(c.get('user'), till.venueId);
      const { flaggedAt } = await parseJson(c, clearTillFlagSchema);
      await clearTillFlag(
        db,
        { tillId: till.id, seenFlaggedAt: flaggedAt },
        c.get('user'),
        clientIp(c),
      );
      return c.body(null, 204);
    });
}
