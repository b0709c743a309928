import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { unavailable } from '../errors.ts';

/** Seconds a till is told to wait before it pushes again to a server that is stopping. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Graceful shutdown of the push path: once draining, new pushes get 503
 * with Retry-After (the till keeps its queue and retries, at another
 * process behind nginx or after the restart) and readiness turns 503,
 * while pushes already in flight run to their commit.
 */
export function createDrain() {
  let draining = false;
  let inFlight = 0;
  let idle: (() => void)[] = [];
  const settle = () => {
    if (inFlight > 0) return;
    for (const resolve of idle) resolve();
    idle = [];
  };
  const guard: MiddlewareHandler<AppEnv> = async (_c, next) => {
    if (draining)
      throw unavailable('the server is shutting down; push again shortly', RETRY_AFTER_SECONDS);
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
      settle();
    }
  };
  return {
    guard,
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    /** Stops taking pushes; resolves true once none is in flight, false after `timeoutMs`. */
    start(timeoutMs: number): Promise<boolean> {
      draining = true;
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idle.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}

export type Drain = ReturnType<typeof createDrain>;
