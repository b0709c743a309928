import { nitetapIdSchema, Role } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { badRequest } from '../errors.ts';
import { getWallet } from './service.ts';

/** `/api/wallets`: wallet look-up for staff, admins and the wallet's guest. */
export function walletRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(
    '/:nitetapId',
    requireRole(deps, Role.guest, Role.staff, Role.venueAdmin, Role.nitecoreAdmin),
    async (c) => {
      const tag = c.req.param('nitetapId');
      if (!nitetapIdSchema.safeParse(tag).success)
        throw badRequest('nitetapId must be 8 to 32 hex digits');
      return c.json(await getWallet(deps.database.db, c.get('user'), tag));
    },
  );
}
