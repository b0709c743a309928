/** Build-time configuration; the only file that reads `import.meta.env`. */
export const config = {
  /** The API, same origin by default (nginx and the dev server route /api). */
  apiBase: (import.meta.env.VITE_API_BASE as string | undefined) ?? '/api',
  pushBatchSize: 100,
  pushIntervalMs: 15_000,
  pullIntervalMs: 60_000,
  /** A queue older than this gets a banner: the till has not synced for a while. */
  staleQueueMs: 10 * 60_000,
  idleSignOutMs: 5 * 60_000,
  pinMaxFailures: 5,
  pinLockoutMs: 60_000,
};
