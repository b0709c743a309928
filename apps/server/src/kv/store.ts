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
  /** Removes `key` (a count, a value, a set or a hash); nothing if it is missing. */
  forget(key: string): Promise<void>;
  /** Adds members to the distinct-count set `key` (a HyperLogLog on Redis) and sets its ttl. */
  addDistinct(key: string, members: string[], ttlSeconds: number): Promise<void>;
  /** How many distinct members `key` holds (HyperLogLog: within about 1%); 0 when missing. */
  countDistinct(key: string): Promise<number>;
  /** Adds to integer fields of the hash `key` and sets its ttl. */
  incrementFields(key: string, by: Record<string, number>, ttlSeconds: number): Promise<void>;
  /** Every field of the hash `key`; empty when missing. */
  readFields(key: string): Promise<Record<string, number>>;
  /** Round trip to the store, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}
