import { loginRequestSchema, refreshRequestSchema } from '@niteos/schema/wire';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';
import { parseJson } from '../http/validate.ts';
import { login, refresh } from './service.ts';

export function authRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const body = await parseJson(c, loginRequestSchema);
      return c.json(await login(db, deps.jwtSecret, body.email, body.password));
    })
    .post('/refresh', async (c) => {
      const body = await parseJson(c, refreshRequestSchema);
      return c.json(await refresh(db, deps.jwtSecret, body.refreshToken));
    });
}
