import type { BlockList } from 'node:net';
import type { Role } from '@niteos/schema/wire';
import type { ShippingStatus } from './analytics/shipper.ts';
import type { AnalyticsStore } from './analytics/store.ts';
import type { Database } from './db/database.ts';
import type { KvStore } from './kv/store.ts';
import type { Drain } from './lifecycle/drain.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { PrepareOps } from './sync/prepare-pool.ts';

/** A signed-in user, as read from a verified access token. */
export interface AuthUser {
  id: string;
  role: Role;
  venueId: string | null;
}

/** A till, as identified by its device token. Immutable fields only. */
export interface AuthedTill {
  id: string;
  venueId: string;
  publicKey: Uint8Array;
}

/** Everything the app needs from the outside, built once and injected. */
export interface AppDeps {
  database: Database;
  /** Rate limits, session revocation and live counters: Redis when configured, in-process otherwise. */
  kv: KvStore;
  /** MongoDB event store when `ANALYTICS_MONGO_URL` is set; analytics stay in PostgreSQL otherwise. */
  analytics?: AnalyticsStore | null;
  /** This process's outbox shipper (with `analytics`): health reports its failing batches. */
  shipping?: ShippingStatus | null;
  /** Shutdown state of the push path; a fresh one when not given. */
  drain?: Drain;
  /** The health page flags an active till silent after this long (default 600 s). */
  silentTillSeconds?: number;
  jwtSecret: string;
  log: Logger;
  version: string;
  startedAt: Date;
  /** Prometheus metrics; a fresh set when not given. */
  metrics?: Metrics;
  /** Schema and signature checks of pushed ops: the worker pool; on the event loop when not given. */
  prepareOps?: PrepareOps;
  /** Push transactions open at once at most (default: no limit). */
  pushTransactions?: number;
  /** Proxies on other hosts allowed to say who the client is (addresses, CIDR ranges). */
  trustedProxies?: readonly string[];
  /** Built till app to serve at /pos/, when there is one. */
  posDir?: string | null;
  /** Built guest app to serve at /, when there is one. */
  guestDir?: string | null;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    user: AuthUser;
    till: AuthedTill;
    /** Set when `trustedProxies` lists any: read by `clientIp` and `viaHttps`. */
    trustedProxies: BlockList;
  };
}
