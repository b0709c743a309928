import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isProxyEntry } from './http/client-ip.ts';

/**
 * Configuration, read and validated once at start-up. This is the only
 * file that reads `process.env`; everything else receives a `Config`.
 */
/**
 * A whole number from the environment. Not `z.coerce.number()`: that reads
 * an empty value (`PORT=`) as 0, a random port, or `NITEOS_VERIFY_THREADS=`
 * as "no threads", without a word.
 */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  PORT: wholeNumber(0, 65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  NITEOS_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]+:$/, 'letters, digits, _ . or -, ending in a colon')
    .default('niteos:'),
  ANALYTICS_MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// URL')
    .optional(),
  NITEOS_SILENT_TILL_SECONDS: wholeNumber(30).default(600),
  NITEOS_SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 120_000).default(10_000),
  // Empty is refused, not read as the folder pnpm ran in: a later fix would open a fresh ./.data.
  NITEOS_DATA_DIR: z.string().min(1, 'empty: unset it for ./.data, or name a folder').optional(),
  INIT_CWD: z.string().optional(),
  NITEOS_JWT_SECRET: z.string().min(32).optional(),
  NITEOS_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  NITEOS_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8).optional(),
  NITEOS_DEMO_SEED: z.enum(['auto', 'off']).optional(),
  NITEOS_PUBLIC_URL: z.url().optional(),
  NITEOS_POS_DIR: z.string().optional(),
  NITEOS_GUEST_DIR: z.string().optional(),
  DB_POOL_SIZE: wholeNumber(1, 100).default(10),
  NITEOS_VERIFY_THREADS: wholeNumber(0, 64).optional(),
  NITEOS_PUSH_TRANSACTIONS: wholeNumber(1, 64).optional(),
  NITEOS_ANALYTICS_KEEP_DAYS: wholeNumber(1, 3650).default(7),
  // A misspelt value (`prod`) would quietly drop the production guards and seed the public demo logins.
  NODE_ENV: z.enum(['production', 'development', 'test']).optional(),
  NITEOS_EMBEDDED_IN_PRODUCTION: z.enum(['yes']).optional(),
  NITEOS_SINGLE_PROCESS: z.enum(['yes']).optional(),
  NITEOS_TRUSTED_PROXIES: z
    .string()
    .transform((text) => text.split(/[\s,]+/).filter(Boolean))
    .refine((entries) => entries.every(isProxyEntry), 'addresses or CIDR ranges, comma-separated')
    .optional(),
});

export interface Config {
  port: number;
  host: string;
  /** Real PostgreSQL when set; otherwise embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  /** Shared Redis when set; an in-process store otherwise (one process only). */
  redisUrl: string | null;
  /** Begins every Redis key: deployments sharing one Redis each need their own. */
  redisPrefix: string;
  /** MongoDB for the analytics event log when set; analytics stay in PostgreSQL otherwise. */
  analyticsMongoUrl: string | null;
  /** With MongoDB: days shipped events stay in the outbox before they are deleted. */
  analyticsKeepDays: number;
  /** The health page flags an active till silent after this long. */
  silentTillSeconds: number;
  /** SIGTERM: how long in-flight pushes, then the outbox flush, may take before the exit. */
  shutdownTimeoutMs: number;
  dataDir: string;
  /** Null: generated once and kept in the database (server_settings), shared by every process. */
  jwtSecret: string | null;
  bootstrapAdmin: { email: string; password: string } | null;
  demoSeed: boolean;
  publicUrl: string | null;
  dbPoolSize: number;
  /**
   * Worker threads that check pushed ops' schema and signatures; 0 checks
   * them on the event loop. Default: one per core.
   */
  verifyThreads: number;
  /**
   * Push transactions open at once at most; verified pushes wait their
   * turn. Default: one per core, at least 2 (see sync/routes.ts).
   */
  pushTransactions: number;
  /**
   * Proxies on other hosts whose X-Forwarded-For and -Proto are believed
   * (one on this host always is): addresses or CIDR ranges.
   */
  trustedProxies: string[];
  /** The built till app (apps/pos-pwa/dist unless set). */
  posDir: string;
  /** The built guest app (apps/guest-pwa/dist unless set). */
  guestDir: string;
}

export class ConfigError extends Error {}

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.NITEOS_BOOTSTRAP_ADMIN_EMAIL) !== Boolean(e.NITEOS_BOOTSTRAP_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'invalid configuration: set both NITEOS_BOOTSTRAP_ADMIN_EMAIL and NITEOS_BOOTSTRAP_ADMIN_PASSWORD, or neither',
    );
  }
  // A misspelt DATABASE_URL must not quietly become an embedded database:
  // PGlite never flushes to disk (a power cut can lose acknowledged sales)
  // and serves one process only.
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL && !e.NITEOS_EMBEDDED_IN_PRODUCTION) {
    throw new ConfigError(
      'invalid configuration: NODE_ENV=production needs DATABASE_URL (check its spelling). ' +
        'The embedded database is for trying NiteOS: it does not flush to disk, so a power cut ' +
        'can lose acknowledged sales. Set NITEOS_EMBEDDED_IN_PRODUCTION=yes to run it anyway.',
    );
  }
  // Without Redis each process keeps its own sign-outs, rate limits and
  // counters: behind nginx, a disabled person's token still works on the
  // other processes. Embedded PGlite serves one process anyway.
  if (e.NODE_ENV === 'production' && e.DATABASE_URL && !e.REDIS_URL && !e.NITEOS_SINGLE_PROCESS) {
    throw new ConfigError(
      'invalid configuration: NODE_ENV=production needs REDIS_URL (check its spelling): ' +
        'without it each server process has its own sessions, sign-outs and rate limits. ' +
        'Set NITEOS_SINGLE_PROCESS=yes if this is the only process.',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.NITEOS_REDIS_PREFIX,
    analyticsMongoUrl: e.ANALYTICS_MONGO_URL ?? null,
    analyticsKeepDays: e.NITEOS_ANALYTICS_KEEP_DAYS,
    silentTillSeconds: e.NITEOS_SILENT_TILL_SECONDS,
    shutdownTimeoutMs: e.NITEOS_SHUTDOWN_TIMEOUT_MS,
    // Relative to where the user ran `pnpm …`, not the package folder pnpm switches to.
    dataDir: path.resolve(e.INIT_CWD ?? process.cwd(), e.NITEOS_DATA_DIR ?? './.data'),
    jwtSecret: e.NITEOS_JWT_SECRET ?? null,
    bootstrapAdmin:
      e.NITEOS_BOOTSTRAP_ADMIN_EMAIL && e.NITEOS_BOOTSTRAP_ADMIN_PASSWORD
        ? { email: e.NITEOS_BOOTSTRAP_ADMIN_EMAIL, password: e.NITEOS_BOOTSTRAP_ADMIN_PASSWORD }
        : null,
    // Demo logins are public (README): a production server never seeds them unless asked.
    demoSeed: (e.NITEOS_DEMO_SEED ?? (e.NODE_ENV === 'production' ? 'off' : 'auto')) === 'auto',
    publicUrl: e.NITEOS_PUBLIC_URL ?? null,
    dbPoolSize: e.DB_POOL_SIZE,
    verifyThreads: e.NITEOS_VERIFY_THREADS ?? availableParallelism(),
    pushTransactions: e.NITEOS_PUSH_TRANSACTIONS ?? Math.max(2, availableParallelism()),
    trustedProxies: e.NITEOS_TRUSTED_PROXIES ?? [],
    posDir: e.NITEOS_POS_DIR
      ? path.resolve(e.INIT_CWD ?? process.cwd(), e.NITEOS_POS_DIR)
      : fileURLToPath(new URL('../../pos-pwa/dist', import.meta.url)),
    guestDir: e.NITEOS_GUEST_DIR
      ? path.resolve(e.INIT_CWD ?? process.cwd(), e.NITEOS_GUEST_DIR)
      : fileURLToPath(new URL('../../guest-pwa/dist', import.meta.url)),
  };
}
