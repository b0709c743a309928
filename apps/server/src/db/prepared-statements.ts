import type postgres from 'postgres';

/** Limits on which statement texts become named prepared statements. */
export interface PrepareLimits {
  /** Times a text is seen before it is prepared (the first sighting may be a one-off). */
  after: number;
  /** Texts prepared at most; postgres.js keeps each on every connection and never evicts it. */
  max: number;
}

const DEFAULT_PREPARE_LIMITS: PrepareLimits = { after: 2, max: 256 };

/** Texts counted but not (yet) prepared are forgotten past this many, so counting stays bounded too. */
const MAX_COUNTED = 10_000;

/**
 * Wraps a postgres.js client so drizzle's queries run as named prepared
 * statements once their text repeats. Drizzle asks postgres.js for an
 * unnamed statement on every query it is not told a name for; with
 * parameters, postgres.js then sends Parse+Describe, waits for the
 * parameter types, and only then Bind+Execute, sending nothing else on that
 * connection meanwhile: a round trip more per statement, pipelining lost,
 * and PostgreSQL parsing and planning the text again each time (the push
 * bench: +30% ops/s and -35% PostgreSQL CPU once prepared). Texts that vary
 * (IN lists, multi-row VALUES) would each stay on every connection for
 * good, so only repeated texts are prepared, and at most `limits.max` of
 * them. Transactions and savepoints hand out wrapped clients too.
 */
export function preparingClient(
  client: postgres.Sql,
  limits: PrepareLimits = DEFAULT_PREPARE_LIMITS,
): postgres.Sql {
  const prepared = new Set<string>();
  const counted = new Map<string, number>();

  const shouldPrepare = (text: string): boolean => {
    if (prepared.has(text)) return true;
    if (prepared.size >= limits.max) return false;
    const seen = (counted.get(text) ?? 0) + 1;
    if (seen < limits.after) {
      if (counted.size >= MAX_COUNTED) counted.clear();
      counted.set(text, seen);
      return false;
    }
    counted.delete(text);
    prepared.add(text);
    return true;
  };

  const wrap = <T extends object>(sql: T): T =>
    new Proxy(sql, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        if (key === 'unsafe') {
          return (text: string, params?: unknown[], options?: { prepare?: boolean }) =>
            value.call(target, text, params, {
              ...options,
              prepare: options?.prepare || shouldPrepare(text),
            });
        }
        if (key === 'begin' || key === 'savepoint') {
          return (...args: unknown[]) => {
            const work = args.pop() as (tx: object) => unknown;
            return value.call(target, ...args, (tx: object) => work(wrap(tx)));
          };
        }
        return value.bind(target);
      },
    });

  return wrap(client);
}
