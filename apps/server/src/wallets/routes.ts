import { nitetapIdSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { ALL_ROLES, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { badRequest } from '../errors.ts';
import { perIp, rateLimit } from '../kv/rate-limit.ts';
import { getWallet } from './service.ts';

/** `/api/wallets`: wallet look-up for staff, admins and the wallet's guest. */
export function walletRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(
    '/:nitetapId',
    requireRole(deps, ...ALL_ROLES),
    // Per tag and asker too: looking one wallet up again and again is
    // probing. Not per tag alone: then any account's look-ups would lock the
    // venue's staff out of that guest's wallet.
    rateLimit(deps.kv, perIp('wallet-ip', 1200, 60), {
      name: 'wallet-tag',
      limit: 120,
      windowSeconds: 60,
      key: (c) => `${c.req.param('nitetapId')?.toLowerCase()}:${c.get('user').id}`,
    }),
    async (c) => {
      const tag = c.req.param('nitetapId');
      if (!nitetapIdSchema.safeParse(tag).success)
        throw badRequest('nitetapId must be 8 to 32 hex digits');
      return c.json(await getWallet(deps.database.db, c.get('user'), tag));
    },
  );
}
