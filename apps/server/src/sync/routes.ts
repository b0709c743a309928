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
import { countInBackground, soldTonight } from '../counters/live-counters.ts';
import { badRequest, payloadTooLarge, unauthorized } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { describeIssues, readJson } from '../http/validate.ts';
import { enforceRate, type RateRule } from '../kv/rate-limit.ts';
import type { Drain } from '../lifecycle/drain.ts';
import { createTillTokenResolver } from '../tills/service.ts';
import { prepareInThread } from './prepare-pool.ts';
import { pull } from './pull-service.ts';
import { pushOps } from './push-service.ts';
import { lookupWallet } from './wallet-lookup.ts';

/**
 * The NiteTaps named by tonight's ops a push committed for the first time:
 * applied or held, not duplicates. Tonight as the sales counted with them.
 */
function newTags(ops: unknown[], reply: PushResponse, now: Date): string[] {
  const committed = reply.results.flatMap((r, i) =>
    // Only ops that passed the schema are committed: the others may be anything.
    r.duplicate || r.status === 'rejected' ? [] : [(ops[i] as SignedOp).envelope as Envelope],
  );
  return soldTonight(committed, now).flatMap((e) => (e.nitetapId ? [e.nitetapId] : []));
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
        const { response, standing } = await pushOps(
          db,
          prepare,
          till,
          parsed.data,
          clientIp(c),
          slot,
        ).catch((err: unknown) => {
          // Counted for the health page, which would otherwise show a failing burst as quiet.
          deps.metrics?.observePushFailure();
          throw err;
        });
        deps.metrics?.observePush((performance.now() - started) / 1000, response.results);
        // Ops synced after their night ended count in that night's report and
        // analytics (till time), not in the counters of the night to come.
        const now = new Date();
        countInBackground(
          deps,
          till.venueId,
          { tags: newTags(parsed.data.ops, response, now), standing },
          now,
        );
        return c.json(response);
      },
    )
    .get('/pull', requireTill, async (c) =>
      c.json(await pull(db, c.get('till'), c.req.query('cursor'))),
    )
    .get('/wallets/:nitetapId', requireTill, async (c) => {
      await enforceRate(deps.kv, WALLET_LOOKUPS_PER_TILL, c);
      return c.json(await lookupWallet(db, c.get('till'), c.req.param('nitetapId')));
    });
}

/**
 * A busy bar looks up a new guest every few seconds; a till reading tag
 * after tag to learn balances at other venues is cut off.
 */
const WALLET_LOOKUPS_PER_TILL: RateRule = {
  name: 'wallet-lookup-till',
  limit: 120,
  windowSeconds: 60,
  key: (c) => c.get('till').id,
};
