import { liveQuery } from 'dexie';
import { type Accessor, createComputed, createSignal, on, onCleanup } from 'solid-js';

/**
 * A Solid signal that follows an IndexedDB query as the data changes (Dexie
 * liveQuery) and as its input changes. Dexie re-runs a query on writes to
 * what it read, but it cannot see Solid signals: a signal read inside the
 * query would be read once and never again. So the input is read here, in a
 * Solid computation, and every new value re-subscribes the query with it
 * (`on` keeps whatever the query reads synchronously out of that tracking).
 */
export function createLiveQueryOf<S, T>(
  input: Accessor<S>,
  query: (input: S) => Promise<T>,
  initial: T,
): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  createComputed(
    on(input, (current) => {
      // Never show a result for an input that is no longer the current one.
      setValue(() => initial);
      const subscription = liveQuery(() => query(current)).subscribe({
        next: (next) => setValue(() => next),
        error: (err) => console.error('live query failed', err),
      });
      onCleanup(() => subscription.unsubscribe());
    }),
  );
  return value;
}

/** {@link createLiveQueryOf} for a query that depends on IndexedDB alone. */
export function createLiveQuery<T>(query: () => Promise<T>, initial: T): Accessor<T> {
  return createLiveQueryOf(() => null, query, initial);
}
