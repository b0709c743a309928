/**
 * Short-lived shared state: rate-limit windows, session revocation, live
 * counters. Redis when `REDIS_URL` is set (shared by every server
 * process), in-process otherwise. Both implement exactly this.
 */
export interface KvStore {
  /** Counts a hit in the fixed window `key` lasting `windowSeconds`; returns the count so far and seconds left. */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetSeconds: number }>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Round trip to the store, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}
