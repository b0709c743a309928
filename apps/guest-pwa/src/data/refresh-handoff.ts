import type { LoginResponse } from '@niteos/schema/wire';

/**
 * The last refresh any tab made: the refresh token it spent and the pair it
 * got. The session itself lives in localStorage, but Chromium passes one
 * tab's localStorage writes to another tab's process lazily: a tab granted
 * the refresh lock right after another released it can still read the spent
 * pair there. IndexedDB commits in one place for every tab, so a write
 * finished before the lock is released is seen by the next holder.
 */
interface Handoff {
  spent: string;
  next: LoginResponse;
}

const DB_NAME = 'niteos-guest';
const STORE = 'refresh-handoff';
const KEY = 'last';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Resolves once the transaction has committed, not merely when the request
 * succeeded; undefined when IndexedDB is unavailable (some private modes):
 * tabs then still take turns under the lock and read localStorage, and only
 * a refresh within its sync delay can race.
 */
async function inStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T | undefined> {
  const db = await openDb().catch(() => undefined);
  if (!db) return undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The pair another tab got for `spent`, if the last refresh of any tab spent it. */
export async function successorOf(spent: string): Promise<LoginResponse | null> {
  const last = await inStore(
    'readonly',
    (store) => store.get(KEY) as IDBRequest<Handoff | undefined>,
  );
  return last?.spent === spent ? last.next : null;
}

export async function recordRefresh(spent: string, next: LoginResponse): Promise<void> {
  await inStore('readwrite', (store) => store.put({ spent, next } satisfies Handoff, KEY));
}

/** A signed-out guest's tokens must not stay readable on the phone, here either. */
export async function forgetRefresh(): Promise<void> {
  await inStore('readwrite', (store) => store.delete(KEY));
}
