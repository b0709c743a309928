import { ErrorCode } from '@niteos/schema/wire';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import type { KvStore } from './store.ts';

export interface RateRule {
  /** Names the counter, e.g. `login-ip`. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** What is counted (an IP, an email, a NiteTap); null skips the rule for this request. */
  key: (c: Context<AppEnv>) => string | null | Promise<string | null>;
}

const rateKey = (rule: RateRule, key: string) => `rate:${rule.name}:${key}`;

/**
 * Counts the request under `rule` and throws 429 with Retry-After once over
 * the limit; else returns how many more the window allows (Infinity when the
 * rule skips this request).
 */
export async function enforceRate(
  kv: KvStore,
  rule: RateRule,
  c: Context<AppEnv>,
): Promise<number> {
  const key = await rule.key(c);
  if (key === null) return Number.POSITIVE_INFINITY;
  const { count, resetSeconds } = await kv.hit(rateKey(rule, key), rule.windowSeconds);
  if (count > rule.limit) {
    throw new AppError(
      429,
      ErrorCode.rateLimited,
      `too many attempts: try again in ${resetSeconds >= 120 ? `${Math.ceil(resetSeconds / 60)} min` : `${resetSeconds} s`}`,
      {
        'Retry-After': String(resetSeconds),
      },
    );
  }
  return rule.limit - count;
}

/** Starts the count of `rule` for this request's key again, as if no request had been counted. */
export async function resetRate(kv: KvStore, rule: RateRule, c: Context<AppEnv>): Promise<void> {
  const key = await rule.key(c);
  if (key !== null) await kv.forget(rateKey(rule, key));
}

/** Middleware form of `enforceRate`, for rules that need only the request line. */
export function rateLimit(kv: KvStore, ...rules: RateRule[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    for (const rule of rules) await enforceRate(kv, rule, c);
    await next();
  };
}

/**
 * Counts by client address. Guests and staff reach the server through the
 * venue's Wi-Fi, where one public address is often everyone's: a per-IP
 * limit must hold a whole busy venue (hundreds of guests), so it only caps
 * floods. What stops one person guessing is the per-account, per-email or
 * per-tag rule beside it.
 */
export const perIp = (name: string, limit: number, windowSeconds: number): RateRule => ({
  name,
  limit,
  windowSeconds,
  key: (c) => clientIp(c) ?? 'unknown',
});
