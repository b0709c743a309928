/**
 * Runs `task` while no other tab of this origin runs a task under `name`.
 * Where the Web Locks API is missing (old browsers, insecure origins) the
 * task runs unguarded and two tabs can still race: tasks re-read shared
 * state first, which keeps that window short.
 */
export async function withTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  // Typed as always present, but absent outside secure contexts and in older browsers.
  const locks = navigator.locks as LockManager | undefined;
  // `await`: the lock's promise settles with the task's result, which lib.dom types as a promise.
  return locks ? await locks.request(name, task) : task();
}
