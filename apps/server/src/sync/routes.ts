import { ErrorCode, PUSH_MAX_BYTES, PUSH_MAX_OPS, pushRequestSchema } from '@niteos/schema/wire';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bearerToken } from '../auth/tokens.ts';
import type { AppDeps, AppEnv, AuthedTill } from '../context.ts';
import { badRequest, payloadTooLarge, unauthorized } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { describeIssues, readJson } from '../http/validate.ts';
import { createTillTokenResolver } from '../tills/service.ts';
import { prepareInThread } from './prepare-pool.ts';
import { pull } from './pull-service.ts';
import { pushOps } from './push-service.ts';

/** `/api/sync`: the till transport, authenticated by device token. */
export function syncRoutes(deps: AppDeps) {
  const db = deps.database.db;
  const resolveTill = createTillTokenResolver(db);
  const prepare = deps.prepareOps ?? prepareInThread;

  const requireTill: MiddlewareHandler<AppEnv> = async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const till: AuthedTill | null = token ? await resolveTill(token) : null;
    if (!till) throw unauthorized('unknown device token');
    c.set('till', till);
    await next();
  };

  return new Hono<AppEnv>()
    .post(
      '/push',
      bodyLimit({
        maxSize: PUSH_MAX_BYTES,
        onError: () => {
          throw payloadTooLarge(`a push body may have at most ${PUSH_MAX_BYTES} bytes`);
        },
      }),
      requireTill,
      async (c) => {
        const raw = await readJson(c);
        const ops = (raw as { ops?: unknown } | null)?.ops;
        if (Array.isArray(ops) && ops.length > PUSH_MAX_OPS) {
          throw payloadTooLarge(`a push may carry at most ${PUSH_MAX_OPS} ops`);
        }
        const parsed = pushRequestSchema.safeParse(raw);
        if (!parsed.success) throw badRequest(describeIssues(parsed.error), ErrorCode.badRequest);
        const till = c.get('till');
        if (parsed.data.tillId !== till.id)
          throw unauthorized('the device token is not the token of this till');
        const started = performance.now();
        const reply = await pushOps(db, prepare, till, parsed.data, clientIp(c));
        deps.metrics?.observePush((performance.now() - started) / 1000, reply.results);
        return c.json(reply);
      },
    )
    .get('/pull', requireTill, async (c) =>
      c.json(await pull(db, c.get('till'), c.req.query('cursor'))),
    );
}
