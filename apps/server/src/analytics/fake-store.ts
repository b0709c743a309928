import type { AnalyticsEvent, AnalyticsStore, Refusal } from './store.ts';

/**
 * For tests: an in-memory stand-in for MongoDB's events collection. A
 * second insert of an id is a duplicate, not a second copy. `before` runs
 * before anything is stored and may throw or hang, as a store that is down
 * or stuck would; `after` runs once the events are stored and may throw, as
 * a lost acknowledgement would; `refuses` says why the store refuses an
 * event (a validation rule, say), or null to store it. Pings always answer.
 */
export function fakeStore(
  options: {
    before?: () => Promise<void> | void;
    after?: () => void;
    refuses?: (event: AnalyticsEvent) => string | null;
  } = {},
) {
  const stored = new Map<string, AnalyticsEvent>();
  /** Insert attempts per event id, refused ones included. */
  const tried = new Map<string, number>();
  const store: AnalyticsStore = {
    kind: 'mongo',
    async insert(events) {
      await options.before?.();
      let inserted = 0;
      const refused: Refusal[] = [];
      for (const e of events) {
        tried.set(e.id, (tried.get(e.id) ?? 0) + 1);
        const reason = options.refuses?.(e) ?? null;
        if (reason !== null) refused.push({ id: e.id, reason });
        else if (!stored.has(e.id)) {
          stored.set(e.id, e);
          inserted += 1;
        }
      }
      options.after?.();
      return { inserted, duplicates: events.length - inserted - refused.length, refused };
    },
    snapshot: () => Promise.reject(new Error('unused')),
    ping: async () => {},
    close: async () => {},
  };
  return { stored, tried, store };
}
