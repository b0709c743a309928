import { claimWalletSchema, Role, registerGuestSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { parseJson } from '../http/validate.ts';
import { enforceRate, perIp, rateLimit } from '../kv/rate-limit.ts';
import { claimWallet, myWallets, registerGuest, walletActivity } from './service.ts';

/** Guest sign-up, wristband claims and the guest's own wallets. */
export function guestRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/auth/register', rateLimit(deps.kv, perIp('register-ip', 300, 3600)), async (c) => {
      const body = await parseJson(c, registerGuestSchema);
      return c.json(await registerGuest(db, deps.jwtSecret, body), 201);
    })
    .post(
      '/wallets/claim',
      requireRole(deps, Role.guest),
      rateLimit(deps.kv, perIp('claim-ip', 300, 3600)),
      async (c) => {
        const body = await parseJson(c, claimWalletSchema);
        // Per tag, whoever asks: 40 bits of code must not be guessable by many accounts.
        await enforceRate(
          deps.kv,
          {
            name: 'claim-tag',
            limit: 5,
            windowSeconds: 3600,
            key: () => body.nitetapId.toLowerCase(),
          },
          c,
        );
        return c.json(await claimWallet(db, c.get('user'), body.nitetapId, body.code));
      },
    )
    .get('/me/wallets', requireRole(deps, Role.guest), async (c) =>
      c.json(await myWallets(db, c.get('user'))),
    )
    .get('/me/wallets/:nitetapId/activity', requireRole(deps, Role.guest), async (c) =>
      c.json(await walletActivity(db, c.get('user'), c.req.param('nitetapId'))),
    );
}
