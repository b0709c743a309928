import type { Signal } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';

/**
 * A resource's storage that keeps each row's identity across refetches
 * (reconciled by `key`). Else a refetch after one row is saved gives every
 * row new objects, `For` rebuilds the list, and what is typed in the next
 * field or the focus on the button pressed is lost with its element.
 */
export function keyedStorage<T>(key: string) {
  return (initial: T | undefined): Signal<T | undefined> => {
    const [store, setStore] = createStore<{ value: T | undefined }>({ value: initial });
    const set = (next: T | undefined | ((prev: T | undefined) => T | undefined)) => {
      const value =
        typeof next === 'function'
          ? (next as (prev: T | undefined) => T | undefined)(unwrap(store.value))
          : next;
      setStore('value', reconcile(value, { key }));
      return store.value;
    };
    return [() => store.value, set] as Signal<T | undefined>;
  };
}
