import {
  forgetHistoryBefore,
  getMeta,
  LAST_PULL_AT,
  setMeta,
  type TillDb,
} from '../db/database.ts';
import { type Api, ApiError } from './api.ts';
import { applyPull, applyPushReply, refuseUnsendable, storeWalletSnapshot } from './apply.ts';

/** Pages one pull may fetch before yielding to pushes: the rest come with the next pull. */
const MAX_PULL_PAGES = 20;

export interface SyncStatus {
  /** False after a network failure, true after any answer from the server. */
  online: boolean;
  syncing: boolean;
  /** The last failure, in words for staff. */
  lastError: string | null;
  /** The same failure as the browser or the server put it: for a tooltip, not for the bar. */
  lastErrorDetail: string | null;
  /** The server answered 401: it no longer knows this till's token (re-enroll it). */
  unknownTill: boolean;
  /**
   * The last failure was on this device, not the network or the server: its
   * storage could not take what the server answered (full, most likely).
   */
  localFailure: boolean;
  nextRetryAt: number | null;
}

export interface SyncEngineOptions {
  db: TillDb;
  api: Api;
  batchSize: number;
  pushIntervalMs: number;
  pullIntervalMs: number;
  /**
   * How long ops stay in the till's history after they were signed
   * (forgotten after each pull), and how many of the newest stay regardless.
   */
  historyKeepMs: number;
  historyKeepLast: number;
  onStatus?: (status: SyncStatus) => void;
  now?: () => number;
  random?: () => number;
}

const MAX_BACKOFF_MS = 60_000;
/** Failed pulls before a push that waits for one (see `pullFirst`) goes without it. */
const PULL_FIRST_TRIES = 3;

/** The exchanges whose failures the status reports: pushes and pulls. */
type Exchange = 'sync' | 'refresh';

/**
 * What staff read when the server could not be reached, by the cause's
 * code (api.ts). Nothing is lost either way, and staff have nothing to do
 * but check the Wi-Fi: the browser's own words ("Failed to fetch") would
 * only worry them.
 */
/** What staff are told when the server is out of reach, by the exchange that failed. */
const UNREACHED_TEXT: Record<Exchange, Record<'network' | 'timeout', string>> = {
  sync: {
    network: 'No connection: sales are kept and synced when it is back.',
    timeout: 'The server is not answering: sales are kept and synced when it does.',
  },
  // Pulls can fail while pushes go through (a pull's answer is the heavy one):
  // what goes stale then is the staff list, prices and balances, not the sales.
  refresh: {
    network: 'No connection: sales are kept; staff, prices and balances update when it is back.',
    timeout: 'The server is slow to send updates: staff, prices and balances may be out of date.',
  },
};

/** What a pull came to: every page stored, the server's or the network's failure, or no till to pull for. */
type Pulled = 'pulled' | ApiError | 'unenrolled';

/**
 * Hands the queue to the server, oldest `seq` first, and keeps the offline
 * data fresh. Pushes right after each op, when the network returns, on an
 * interval and when the app is shown; backs off exponentially with jitter
 * on retryable failures, honouring Retry-After. Replaying is always safe:
 * the same ops go again with the same ids.
 */
export function createSyncEngine(options: SyncEngineOptions) {
  const { db, api, batchSize } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const status: SyncStatus = {
    online: true,
    syncing: false,
    lastError: null,
    lastErrorDetail: null,
    unknownTill: false,
    localFailure: false,
    nextRetryAt: null,
  };
  let failures = 0;
  /**
   * Set when the server could not be reached or failed (a retryable
   * failure), cleared by a pull that succeeds. It may have been restored
   * from a backup while it was away: a pull first puts the ops it lost back
   * in the queue, ahead of (lower seq than) the ops sold meanwhile, so they
   * are judged in the order they happened. Not set by a refusal (401, 403):
   * a revoked till's pulls are refused every time.
   */
  let pullFirst = false;
  /** Pull-firsts failed since the last pull that went through; at PULL_FIRST_TRIES pushes stop waiting. */
  let pullFirstMisses = 0;
  /** The exchange whose failure the status reports: a pull's stands until a pull goes through. */
  let failedExchange: Exchange | null = null;
  let draining = false;
  let again = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const intervals: ReturnType<typeof setInterval>[] = [];

  const emit = () => options.onStatus?.({ ...status });

  function scheduleRetry(err: ApiError) {
    failures++;
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1)) * (0.5 + random() / 2);
    const delay = err.retryable ? (err.retryAfterMs ?? backoff) : MAX_BACKOFF_MS;
    status.nextRetryAt = now() + delay;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      status.nextRetryAt = null;
      void drain();
    }, delay);
  }

  function reportError(what: Exchange, text: string, detail: string) {
    failedExchange = what;
    status.lastError = text;
    status.lastErrorDetail = `${what}: ${detail}`;
  }

  /** Clears the reported failure if `what` made it: the exchange has gone through since. */
  function clearError(what: Exchange) {
    if (failedExchange !== what) return;
    failedExchange = null;
    status.lastError = null;
    status.lastErrorDetail = null;
  }

  function recordFailure(err: unknown, what: Exchange) {
    // Every network and server failure arrives as an ApiError: anything else
    // happened here. Not "Offline": staff would check the Wi-Fi in vain.
    if (!(err instanceof ApiError)) {
      status.localFailure = true;
      const cause = err instanceof Error ? err.name : String(err);
      const text = `${what}: this till could not store the server's answer (${cause}). Nothing waiting is lost; free space on this device, or reload.`;
      reportError(what, text, cause);
      return new ApiError(0, 'local', cause);
    }
    const apiError = err;
    status.localFailure = false;
    if (apiError.retryable) pullFirst = true;
    status.online = apiError.status !== 0;
    status.unknownTill = apiError.status === 401;
    const text =
      apiError.status === 0
        ? UNREACHED_TEXT[what][apiError.code === 'timeout' ? 'timeout' : 'network']
        : apiError.status === 401
          ? `${what}: the server no longer accepts this till (${apiError.message}); ask a manager to re-enroll it`
          : `${what}: ${apiError.message}`;
    reportError(what, text, apiError.message);
    return apiError;
  }

  /**
   * Pushes until the queue is empty or a push fails, after a pull when the
   * last exchange failed (`pullFirst`). Concurrent calls
   * coalesce. A push over the server's size limit is refused whole (413,
   * nothing applied), so it is sent again in halves; an op too large to go
   * even alone can never be delivered and is handed to staff instead.
   */
  async function drain(): Promise<void> {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    status.syncing = true;
    emit();
    try {
      // The queue waits for a pull the server could not answer, and goes
      // after one it refused: a revoked till's pulls are refused, but its
      // pushes are still taken (held).
      // Not for ever, though: pulls are far heavier than pushes, and a till
      // whose pulls keep failing must still get its sales through. After
      // PULL_FIRST_TRIES failures pushes go alone until a pull (the
      // interval's) succeeds again.
      const waitForPull = pullFirst && pullFirstMisses < PULL_FIRST_TRIES;
      const pulled = waitForPull ? await pullNow() : null;
      if (pulled instanceof ApiError && pulled.retryable) {
        pullFirstMisses++;
        if (pullFirstMisses < PULL_FIRST_TRIES) {
          scheduleRetry(pulled);
          return;
        }
      }
      let limit = batchSize;
      let unplaced = 0;
      for (;;) {
        const device = await db.device.get('device');
        if (!device) break;
        const batch = await db.queue.orderBy('seq').limit(limit).toArray();
        if (batch.length === 0) break;
        try {
          const reply = await api
            .push(
              device.deviceToken,
              device.tillId,
              batch.map((op) => ({ envelope: op.envelope, sig: op.sig })),
            )
            .catch((err: unknown) => {
              if (err instanceof ApiError && err.status === 413) return null;
              throw err;
            });
          if (reply === null) {
            // Halve until it fits; one op too large even alone is handed to
            // staff, and the batches after it start full again.
            if (batch.length === 1) {
              await refuseUnsendable(db, batch);
              limit = batchSize;
            } else limit = Math.floor(batch.length / 2);
            continue;
          }
          const settled = await applyPushReply(db, batch, reply, now());
          // A reply that settles none of the ops sent would have the same batch sent
          // again at once, for ever: take it as a failure, with its backoff.
          if (settled.left === 0)
            throw new ApiError(502, 'bad_reply', 'the server answered without any of the ops sent');
          unplaced += settled.unplaced;
          // One large op must not leave a night's backlog going up a few at a time.
          limit = Math.min(batchSize, limit * 2);
          failures = 0;
          Object.assign(status, {
            online: true,
            unknownTill: false,
            localFailure: false,
            nextRetryAt: null,
          });
          // A pull's failure stands until a pull goes through: a push
          // that does says nothing of the staff list or the balances.
          clearError('sync');
          emit();
        } catch (err) {
          scheduleRetry(recordFailure(err, 'sync'));
          break;
        }
      }
      if (unplaced > 0) await pullAfterNow();
    } finally {
      draining = false;
      status.syncing = false;
      emit();
      if (again) {
        again = false;
        void drain();
      }
    }
  }

  /**
   * Fetches catalog, wallets, blocked tags, staff and policy changed since
   * the last pull, page after page while the server says more wallets follow
   * (each page's cursor is stored with it, so a failure resumes there). Ops
   * the server turns out to have lost go back in the queue and are pushed;
   * history older than `historyKeepMs` is forgotten. One pull at a time:
   * a call while one runs gets its outcome, so two never interleave their
   * pages and cursors.
   */
  let pulling: Promise<Pulled> | null = null;
  function pullNow(): Promise<Pulled> {
    pulling ??= pullPages().finally(() => {
      pulling = null;
    });
    return pulling;
  }

  /**
   * A pull that starts from here on: one already running may have been
   * answered before what the caller needs it to see was committed.
   */
  async function pullAfterNow(): Promise<Pulled> {
    await pulling;
    return pullNow();
  }

  async function pullPages(): Promise<Pulled> {
    const device = await db.device.get('device');
    if (!device) return 'unenrolled';
    try {
      let resent = 0;
      let whole = false;
      for (let page = 0; page < MAX_PULL_PAGES && !whole; page++) {
        const requestedAt = now();
        const reply = await api.pull(
          device.deviceToken,
          (await getMeta<string>(db, 'cursor')) ?? null,
        );
        const lost = await applyPull(db, reply, requestedAt, now());
        resent += lost;
        // Ops sent again drop the cursor: the next page starts a full pull.
        whole = !reply.more && lost === 0;
      }
      // Pages left for the next pull: the till is not up to date yet.
      if (whole) await setMeta(db, LAST_PULL_AT, now());
      status.online = true;
      status.unknownTill = false;
      status.localFailure = false;
      pullFirst = false;
      pullFirstMisses = 0;
      clearError('refresh');
      emit();
      if (resent > 0) requestPush();
      await forgetHistoryBefore(db, now() - options.historyKeepMs, options.historyKeepLast);
      return 'pulled';
    } catch (err) {
      const failure = recordFailure(err, 'refresh');
      // The server answered: whatever it holds, it said so by refusing.
      if (!failure.retryable) pullFirst = false;
      // A cursor the server no longer reads (a new release's format) would be
      // refused for ever: the next pull starts over and fetches everything.
      if (failure.status === 400) await db.meta.delete('cursor');
      emit();
      return failure;
    }
  }

  /** True when every page came in and was stored. */
  async function pull(): Promise<boolean> {
    return (await pullNow()) === 'pulled';
  }

  /** Push now unless a backoff is running (then the retry timer will). */
  function requestPush() {
    if (status.nextRetryAt === null || status.nextRetryAt <= now()) void drain();
  }

  /** The network is back, or the till has a new token: forget the backoff and go. */
  function resume() {
    failures = 0;
    clearTimeout(retryTimer);
    status.nextRetryAt = null;
    void pull().then(() => drain());
  }

  /**
   * Asks the server for a wallet this till has no snapshot of, so an online
   * till judges a guest new to it by their balance rather than by the
   * unknown-wallet cap (sync protocol §6: the cap bites offline). A blocked
   * one is refused from now on. Failures change nothing: the cap stands.
   */
  async function lookupWallet(
    nitetapId: string,
  ): Promise<'found' | 'unknown' | 'blocked' | 'failed'> {
    const device = await db.device.get('device');
    if (!device) return 'failed';
    try {
      await storeWalletSnapshot(db, await api.wallet(device.deviceToken, nitetapId), now());
      return 'found';
    } catch (err) {
      const status = err instanceof ApiError ? err.status : null;
      if (status === 404) return 'unknown';
      if (status !== 409) return 'failed';
      await db.blocked.put({ nitetapId });
      return 'blocked';
    }
  }

  function onVisible() {
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') requestPush();
  }

  return {
    status: () => ({ ...status }),
    drain,
    pull,
    requestPush,
    resume,
    lookupWallet,
    start() {
      if (typeof window !== 'undefined') {
        window.addEventListener('online', resume);
        window.addEventListener('offline', () => {
          status.online = false;
          emit();
        });
        document.addEventListener('visibilitychange', onVisible);
      }
      intervals.push(setInterval(requestPush, options.pushIntervalMs));
      intervals.push(setInterval(() => void pull(), options.pullIntervalMs));
      void pull().then(() => drain());
    },
    stop() {
      clearTimeout(retryTimer);
      for (const i of intervals) clearInterval(i);
      if (typeof window !== 'undefined') {
        window.removeEventListener('online', resume);
        document.removeEventListener('visibilitychange', onVisible);
      }
    },
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
