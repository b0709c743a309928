import { liveQuery } from 'dexie';
import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** A Solid signal that follows an IndexedDB query as the data changes (Dexie liveQuery). */
export function createLiveQuery<T>(query: () => Promise<T>, initial: T): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial);
  const subscription = liveQuery(query).subscribe({
    next: (next) => setValue(() => next),
    error: (err) => console.error('live query failed', err),
  });
  onCleanup(() => subscription.unsubscribe());
  return value;
}
