import { claimWalletSchema, Role, registerGuestSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { requireRole } from '../auth/guard.ts';
import { assertHardToGuess } from '../auth/password-strength.ts';
import { sessionDevice } from '../auth/session-device.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { parseJson } from '../http/validate.ts';
import { enforceRate, perIp, rateLimit, resetRate } from '../kv/rate-limit.ts';
import { claimWallet, myWallets, registerGuest, walletActivity } from './service.ts';

/** Claim-code guesses on one tag: by one account, and by everyone. */
const CLAIM_PER_ACCOUNT = { name: 'claim-tag-account', limit: 5, windowSeconds: 3600 };
// Shared by all accounts: high enough that locking an owner out takes a
// crowd of accounts, while 1,000 tries an hour leave a 40-bit code at odds
// of one in a billion.
const CLAIM_PER_TAG = { name: 'claim-tag', limit: 1000, windowSeconds: 3600 };

/** Guest sign-up, wristband claims and the guest's own wallets. */
export function guestRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/auth/register', rateLimit(deps.kv, perIp('register-ip', 3000, 3600)), async (c) => {
      const body = await parseJson(c, registerGuestSchema);
      await assertHardToGuess(body.password, body);
      const session = await registerGuest(db, deps.jwtSecret, body);
      sessionDevice(c);
      return c.json(session, 201);
    })
    .post(
      '/wallets/claim',
      requireRole(deps, Role.guest),
      rateLimit(deps.kv, perIp('claim-ip', 3000, 3600)),
      async (c) => {
        const body = await parseJson(c, claimWalletSchema);
        const tag = body.nitetapId.toLowerCase();
        const perAccount = { ...CLAIM_PER_ACCOUNT, key: () => `${tag}:${c.get('user').id}` };
        const guesses = async () => {
          // One account guessing, then all accounts together: a stranger's
          // few tries do not lock the owner out.
          const left = await enforceRate(deps.kv, perAccount, c);
          await enforceRate(deps.kv, { ...CLAIM_PER_TAG, key: () => tag }, c);
          return left;
        };
        const claimed = await claimWallet(db, c.get('user'), tag, body.code, guesses);
        // Mistyped codes before the right one no longer count against this guest.
        await resetRate(deps.kv, perAccount, c);
        return c.json(claimed);
      },
    )
    .get('/me/wallets', requireRole(deps, Role.guest), async (c) =>
      c.json(await myWallets(db, c.get('user'))),
    )
    .get('/me/wallets/:nitetapId/activity', requireRole(deps, Role.guest), async (c) =>
      c.json(await walletActivity(db, c.get('user'), c.req.param('nitetapId'))),
    );
}
