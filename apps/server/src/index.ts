import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { bootstrapAdmin } from './auth/service.ts';
import { openDatabase } from './db/database.ts';
import { ConfigError, readConfig } from './env.ts';
import { createMemoryStore } from './kv/memory-store.ts';
import { createRedisStore } from './kv/redis-store.ts';
import { jsonLogger } from './logger.ts';
import { seedDemo } from './seed/demo.ts';
import { ensureJwtSecret } from './settings.ts';
import { createPreparePool } from './sync/prepare-pool.ts';

/** With no admin configured, the embedded demo gets this one (printed at start). */
const DEMO_ADMIN = { email: 'admin@demo.niteos.app', password: 'demo-admin' };
const VERSION = process.env.npm_package_version ?? '0.1.0';

async function main() {
  const config = readConfig();
  const log = jsonLogger();
  const database = await openDatabase(config);
  await database.migrate();
  const db = database.db;
  const jwtSecret = config.jwtSecret ?? (await ensureJwtSecret(db));
  const admin = config.bootstrapAdmin ?? (config.demoSeed ? DEMO_ADMIN : null);
  await bootstrapAdmin(db, admin);
  const demo = config.demoSeed ? await seedDemo(db) : null;

  const pool = config.verifyThreads > 0 ? createPreparePool(config.verifyThreads) : null;
  const kv = config.redisUrl ? createRedisStore(config.redisUrl) : createMemoryStore();
  const app = createApp({
    database,
    kv,
    jwtSecret,
    log,
    version: VERSION,
    startedAt: new Date(),
    posDir: config.posDir,
    guestDir: config.guestDir,
    prepareOps: pool?.prepare,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const base = config.publicUrl ?? `http://localhost:${info.port}`;
    const lines = [
      '',
      `NiteOS server ${VERSION} on ${database.kind} (${database.location}), ${kv.kind === 'redis' ? 'Redis' : 'in-process'} sessions and rate limits`,
      `  Guest:   ${base}/`,
      `  API:     ${base}/api`,
      `  Health:  ${base}/api/health`,
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

  const shutdown = (signal: string) => {
    log({ level: 'info', msg: 'shutting down', signal });
    // In-flight pushes finish first (they need the pool and the database).
    server.close(() => {
      Promise.allSettled([pool?.close(), database.close(), kv.close()]).finally(() =>
        process.exit(0),
      );
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : (err?.stack ?? String(err))}\n`,
  );
  process.exit(1);
});
