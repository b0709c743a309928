import { serve } from '@hono/node-server';
import { recoverWalletMoves } from './admin/wallet-moves.ts';
import { createMongoStore } from './analytics/mongo-store.ts';
import { createShipper } from './analytics/shipper.ts';
import { createApp } from './app.ts';
import { bootstrapAdmin } from './auth/service.ts';
import { openDatabase } from './db/database.ts';
import { causes, rootMessage } from './db/pg-error.ts';
import { ConfigError, readConfig } from './env.ts';
import { describeFailure } from './errors.ts';
import { createMemoryStore } from './kv/memory-store.ts';
import { createRedisStore } from './kv/redis-store.ts';
import { createDrain } from './lifecycle/drain.ts';
import { serverVersion } from './lifecycle/version.ts';
import { jsonLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { seedDemo } from './seed/demo.ts';
import { ensureJwtSecret } from './settings.ts';
import { createPreparePool } from './sync/prepare-pool.ts';

/** With no admin configured, the embedded demo gets this one (printed at start). */
const DEMO_ADMIN = { email: 'admin@demo.niteos.app', password: 'demo-admin' };
const VERSION = serverVersion();
const KEEP_ALIVE_MS = 65_000;

async function main() {
  const config = readConfig();
  const log = jsonLogger();
  const database = await openDatabase(config);
  await database.migrate();
  const db = database.db;
  await recoverWalletMoves(db);
  const jwtSecret = config.jwtSecret ?? (await ensureJwtSecret(db));
  const admin = config.bootstrapAdmin ?? (config.demoSeed ? DEMO_ADMIN : null);
  await bootstrapAdmin(db, admin);
  const demo = config.demoSeed ? await seedDemo(db) : null;

  const pool = config.verifyThreads > 0 ? createPreparePool(config.verifyThreads) : null;
  const kv = config.redisUrl
    ? createRedisStore(config.redisUrl, config.redisPrefix)
    : createMemoryStore();
  const analytics = config.analyticsMongoUrl ? createMongoStore(config.analyticsMongoUrl) : null;
  const metrics = createMetrics();
  const drain = createDrain();
  const shipper = analytics
    ? createShipper({
        db,
        store: analytics,
        log,
        metrics,
        keepShippedMs: config.analyticsKeepDays * 24 * 3600_000,
      })
    : null;
  shipper?.start();
  const app = createApp({
    database,
    kv,
    analytics,
    shipping: shipper,
    metrics,
    drain,
    silentTillSeconds: config.silentTillSeconds,
    jwtSecret,
    log,
    version: VERSION,
    startedAt: new Date(),
    posDir: config.posDir,
    guestDir: config.guestDir,
    prepareOps: pool?.prepare,
    pushTransactions: config.pushTransactions,
    trustedProxies: config.trustedProxies,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const base = config.publicUrl ?? `http://localhost:${info.port}`;
    const lines = [
      '',
      `NiteOS server ${VERSION} on ${database.kind} (${database.location}), ${kv.kind === 'redis' ? 'Redis' : 'in-process'} sessions, rate limits and counters, analytics ${analytics ? 'shipped to MongoDB' : 'kept in PostgreSQL'}`,
      `  Guest:   ${base}/`,
      `  Health:  ${base}/health (JSON: ${base}/api/health, Prometheus: ${base}/metrics)`,
      `  Till:    ${base}/pos/`,
      `  Admin:   ${base}/pos/admin`,
      `  API doc: ${base}/api/docs`,
    ];
    if (demo) {
      lines.push('', 'Demo data seeded (first start on an empty database):');
      if (!config.bootstrapAdmin)
        lines.push(`  nitecore_admin  ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
      for (const l of demo.logins) lines.push(`  ${l.role.padEnd(15)} ${l.email} / ${l.password}`);
      lines.push(`  staff PIN       ${demo.staffPin}`);
      lines.push(
        `  wallets         ${demo.wallets.map((w) => `${w.nitetapId} (${w.balanceNc / 100} NC)`).join(', ')}`,
      );
    } else if (config.demoSeed && !config.bootstrapAdmin) {
      lines.push('', `Demo admin (if unchanged): ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
  });
  // A proxy must close an idle keep-alive connection before we do: if we close
  // it first, a request the proxy sends on it at that moment fails with a 502
  // (nginx does not retry a non-idempotent one). nginx's upstream pool keeps a
  // connection 60 s (infra/nginx); Node's default is 5 s.
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = KEEP_ALIVE_MS;
  // A port in use or an address this host lacks: one line, not an unhandled
  // 'error' event. Once listening, a server error (say, no file descriptor
  // left to accept with) is logged, and the process goes on.
  server.on('error', cannotStart);
  server.once('listening', () => {
    server.off('error', cannotStart);
    server.on('error', (err) =>
      log({ level: 'error', msg: 'server error', ...describeFailure(err) }),
    );
  });

  let stopping = false;
  /**
   * New pushes get 503 + Retry-After from now on; in-flight ones commit and
   * are answered; then the outbox shipper gets what time is left to flush;
   * then connections, pools and Redis close. All within the shutdown timeout.
   */
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + config.shutdownTimeoutMs;
    log({ level: 'info', msg: 'shutting down', signal, inFlightPushes: drain.inFlight });
    const drained = await drain.start(config.shutdownTimeoutMs);
    const flush = shipper ? await shipper.stop(Math.max(0, deadline - Date.now())) : null;
    const unflushed = flush !== null && !flush.complete;
    log({
      level: drained && !unflushed ? 'info' : 'warn',
      msg: [
        drained
          ? 'pushes drained'
          : `shutdown timeout: ${drain.inFlight} pushes still in flight are cut off (their tills retry them)`,
        unflushed
          ? 'outbox not flushed (its events stay in PostgreSQL and ship after the restart)'
          : 'outbox flushed',
      ].join(', '),
      drained,
      flush,
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive clients could hold the close open: idle ones go now, the rest after a grace period.
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, 2000).unref();
    });
    // The verify pool after the HTTP server: in-flight pushes needed it.
    await Promise.allSettled([pool?.close(), database.close(), kv.close(), analytics?.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch(cannotStart);

/**
 * One line for what stops the start (a database that cannot be reached, a
 * data folder in use, a port taken), with the stack only for what looks
 * like a bug.
 */
function cannotStart(err: unknown): never {
  const root = causes(err).at(-1);
  const bug =
    root instanceof TypeError || root instanceof ReferenceError || root instanceof SyntaxError;
  const text =
    err instanceof ConfigError
      ? err.message
      : bug
        ? String((root as Error).stack)
        : `NiteOS cannot start: ${rootMessage(err)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
