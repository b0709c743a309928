import {
  type Envelope,
  ErrorCode,
  PUSH_MAX_BYTES,
  PUSH_MAX_OPS,
  type PushResponse,
  pushRequestSchema,
  type SignedOp,
} from '@niteos/schema/wire';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import pLimit from 'p-limit';
import { bearerToken } from '../auth/tokens.ts';
import type { AppDeps, AppEnv, AuthedTill } from '../context.ts';
import { type CountedOp, countPush } from '../counters/live-counters.ts';
import { badRequest, payloadTooLarge, unauthorized } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { describeIssues, readJson } from '../http/validate.ts';
import type { Drain } from '../lifecycle/drain.ts';
import { createTillTokenResolver } from '../tills/service.ts';
import { prepareInThread } from './prepare-pool.ts';
import { pull } from './pull-service.ts';
import { pushOps } from './push-service.ts';

/** The ops a push committed for the first time: applied or held, not duplicates. */
function committedOps(ops: unknown[], reply: PushResponse): CountedOp[] {
  return reply.results.flatMap((r, i) =>
    !r.duplicate && r.status !== 'rejected'
      ? [{ envelope: (ops[i] as SignedOp).envelope as Envelope, status: r.status }]
      : [],
  );
}

/** `/api/sync`: the till transport, authenticated by device token. */
export function syncRoutes(deps: AppDeps, drain: Drain) {
  const db = deps.database.db;
  const resolveTill = createTillTokenResolver(db);
  const prepare = deps.prepareOps ?? prepareInThread;
  // Pushes beyond what the cores can run wait here, verified, holding no
  // connection: more open at once only queue on the CPU and on the shared
  // wallet and venue rows, and hold those locks longer (bench, 2 cores,
  // paired runs: 2 at once beat 3, and 3 beat 64, on ops/s and on p99).
  const slot = pLimit(deps.pushTransactions ?? Number.POSITIVE_INFINITY);

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
      drain.guard,
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
        const reply = await pushOps(db, prepare, till, parsed.data, clientIp(c), slot);
        deps.metrics?.observePush((performance.now() - started) / 1000, reply.results);
        // Best-effort and not awaited: the push is committed, a slow or
        // down Redis must not delay the reply or fail it.
        const counted = committedOps(parsed.data.ops, reply);
        if (counted.length > 0) {
          countPush(deps.kv, till.venueId, counted, new Date()).catch((err: unknown) =>
            deps.log({
              level: 'warn',
              msg: 'live counters not updated',
              error: err instanceof Error ? err.message : String(err),
            }),
          );
        }
        return c.json(reply);
      },
    )
    .get('/pull', requireTill, async (c) =>
      c.json(await pull(db, c.get('till'), c.req.query('cursor'))),
    );
}
