import { loginRequestSchema, refreshRequestSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';
import { parseJson } from '../http/validate.ts';
import { enforceRate, perIp, rateLimit, resetRate } from '../kv/rate-limit.ts';
import { ALL_ROLES, requireRole } from './guard.ts';
import { login, logout, logoutEverywhere, refresh } from './service.ts';

/**
 * Sign-in attempts: per address, and per account so one IP cannot be spread
 * across many. A right password starts the account's count again: a manager
 * signing in at each till they enroll is not guessing.
 */
const LOGIN_PER_IP = perIp('login-ip', 300, 300);
const LOGIN_PER_EMAIL = { name: 'login-email', limit: 10, windowSeconds: 300 };
const REFRESH_PER_IP = perIp('refresh-ip', 3000, 300);

export function authRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/login', rateLimit(deps.kv, LOGIN_PER_IP), async (c) => {
      const body = await parseJson(c, loginRequestSchema);
      const perEmail = { ...LOGIN_PER_EMAIL, key: () => body.email.toLowerCase() };
      await enforceRate(deps.kv, perEmail, c);
      const session = await login(db, deps.jwtSecret, body.email, body.password);
      // The tokens exist now: a store that fails here must not turn the
      // sign-in into an error. The count then runs out with its window.
      await resetRate(deps.kv, perEmail, c).catch((err: unknown) =>
        deps.log({
          level: 'warn',
          msg: 'sign-in count not cleared',
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      return c.json(session);
    })
    .post('/refresh', rateLimit(deps.kv, REFRESH_PER_IP), async (c) => {
      const body = await parseJson(c, refreshRequestSchema);
      return c.json(await refresh(db, deps.jwtSecret, body.refreshToken));
    })
    .post('/logout', async (c) => {
      const body = await parseJson(c, refreshRequestSchema);
      await logout(db, body.refreshToken);
      return c.body(null, 204);
    })
    .post('/logout-everywhere', requireRole(deps, ...ALL_ROLES), async (c) => {
      await logoutEverywhere(db, deps.kv, c.get('user').id, Date.now());
      return c.body(null, 204);
    });
}
