/** Build-time configuration; the only file that reads `import.meta.env`. */
export const config = {
  /** The API, same origin by default (nginx and the dev server route /api). */
  apiBase: (import.meta.env.VITE_API_BASE as string | undefined) ?? '/api',
  pushBatchSize: 100,
  /**
   * A call whose server stays silent this long (before answering, or in
   * the middle of its answer) is abandoned and retried with backoff; an
   * answer still arriving, such as a first pull of thousands of balances,
   * is read to the end. A push of a full batch is a small body and one server
   * transaction, so a healthy server answers it in seconds at most; 20 s
   * leaves room for a struggling server behind weak venue Wi-Fi, and bounds
   * what a request the network swallowed costs to about one push interval
   * instead of the rest of the night. A push that timed out may still have
   * committed: resending it is safe, the server answers `duplicate`.
   */
  requestTimeoutMs: 20_000,
  pushIntervalMs: 15_000,
  pullIntervalMs: 60_000,
  /**
   * Ops stay in the till's history this long: the Recent list, voids, and
   * sending again what a server restored from an older backup lost.
   */
  historyKeepMs: 30 * 86_400_000,
  /** The newest ops kept in history whatever their age: several busy nights. */
  historyKeepLast: 10_000,
  /** A queue older than this gets a banner: the till has not synced for a while. */
  staleQueueMs: 10 * 60_000,
  /**
   * A last whole pull older than this gets a banner: a bartender disabled or
   * a wristband reported lost since may not be known here yet. Five pull
   * intervals, so one slow or failed pull does not raise it.
   */
  stalePullMs: 5 * 60_000,
  idleSignOutMs: 5 * 60_000,
  pinMaxFailures: 5,
  /**
   * The first lockout after `pinMaxFailures` wrong PINs; each one after it
   * without a right PIN in between lasts twice as long, up to the max. A
   * 4-digit PIN then takes about ten days on average to guess at an
   * unattended till rather than hours, while a slip of the fingers still
   * costs staff a minute.
   */
  pinLockoutMs: 60_000,
  pinLockoutMaxMs: 15 * 60_000,
};
