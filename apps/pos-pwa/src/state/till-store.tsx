import type { StaffCredential } from '@niteos/schema/wire';
import { createContext, createSignal, type JSX, useContext } from 'solid-js';
import { config } from '../config.ts';
import {
  type DeviceRow,
  getMeta,
  LAST_PULL_AT,
  LAST_SYNC_AT,
  RESENT,
  REVOKED,
  type Resent,
  type TillDb,
} from '../db/database.ts';
import { type Charge, type ChargeOutcome, charge } from '../ops/charge.ts';
import { createNoWalletAnswers } from '../ops/wallet-lookup.ts';
import type { Api } from '../sync/api.ts';
import { createSyncEngine, type SyncEngine, type SyncStatus } from '../sync/engine.ts';
import { createLiveQuery } from './live.ts';
import { createSellDraft } from './sell-draft.ts';
import { createStaffPresence } from './staff-presence.ts';
import { followStaffList } from './staff-session.ts';

/** Everything the screens share: storage, API, sync, and who is signed in. */
export function createTillStore(db: TillDb, api: Api) {
  const [sync, setSync] = createSignal<SyncStatus>({
    online: typeof navigator === 'undefined' ? true : navigator.onLine,
    syncing: false,
    lastError: null,
    lastErrorDetail: null,
    unknownTill: false,
    localFailure: false,
    nextRetryAt: null,
  });
  /** The server answered last time, and the browser says it has a network. */
  const online = () => sync().online && (typeof navigator === 'undefined' || navigator.onLine);
  const engine: SyncEngine = createSyncEngine({
    db,
    api,
    batchSize: config.pushBatchSize,
    pushIntervalMs: config.pushIntervalMs,
    pullIntervalMs: config.pullIntervalMs,
    historyKeepMs: config.historyKeepMs,
    historyKeepLast: config.historyKeepLast,
    onStatus: setSync,
  });
  const device = createLiveQuery<DeviceRow | null | undefined>(
    async () => (await db.device.get('device')) ?? null,
    undefined,
  );
  const queue = createLiveQuery(
    async () => {
      const first = await db.queue.orderBy('seq').first();
      return {
        count: await db.queue.count(),
        oldest: first?.createdAt ?? null,
        oldestSeq: first?.seq ?? null,
      };
    },
    { count: 0, oldest: null as number | null, oldestSeq: null as number | null },
  );
  const attentionCount = createLiveQuery(() => db.attention.count(), 0);
  // Kept in IndexedDB, not in the engine: both must survive a reload.
  const lastSyncAt = createLiveQuery(
    async () => (await getMeta<number>(db, LAST_SYNC_AT)) ?? null,
    null as number | null,
  );
  const lastPullAt = createLiveQuery(
    async () => (await getMeta<number>(db, LAST_PULL_AT)) ?? null,
    null as number | null,
  );
  const resent = createLiveQuery(
    async () => (await getMeta<Resent>(db, RESENT)) ?? null,
    null as Resent | null,
  );
  const revoked = createLiveQuery(
    async () => (await getMeta<boolean>(db, REVOKED)) ?? false,
    false,
  );
  const [staff, setStaffSignal] = createSignal<StaffCredential | null>(null);
  const draft = createSellDraft(typeof sessionStorage === 'undefined' ? null : sessionStorage);
  const presence = createStaffPresence();
  function setStaff(member: StaffCredential | null) {
    draft.signedIn(member?.staffId ?? null);
    presence(member !== null);
    setStaffSignal(member);
  }
  followStaffList(db, staff, () => setStaff(null));
  const [storageWarning, setStorageWarning] = createSignal<string | null>(null);
  const [storageFailure, setStorageFailure] = createSignal<string | null>(null);
  // Else a till whose storage will not open sits on "Opening the till…" for
  // good, its queued sales out of reach, with the cause only in the console.
  db.on('blocked', () =>
    setStorageFailure(
      'Another tab or window of this till holds its storage in an older version: close it, and this one opens.',
    ),
  );
  db.open().then(
    () => setStorageFailure(null),
    (err: unknown) =>
      setStorageFailure(
        `This device's storage cannot be opened (${err instanceof Error ? err.name : String(err)}), so the till cannot start. ` +
          'Sales waiting to sync stay on the device: do not clear the browser data. Reload; if this stays, call a manager.',
      ),
  );

  const noWallet = createNoWalletAnswers();
  const NO_WALLET = new Set<string>(['no_wallet', 'no_wallet_to_cash_out']);
  /** Asks the server for a tag's wallet, keeping a "no wallet" answer for the charges that follow. */
  async function lookupWallet(nitetapId: string) {
    const outcome = await engine.lookupWallet(nitetapId);
    noWallet.heard(nitetapId, outcome);
    return outcome;
  }

  /**
   * Charges as the signed-in staff member and hands a new op to sync right
   * away. Null when nobody is signed in (the screen is then on its way out).
   */
  async function chargeAsStaff(request: Charge): Promise<ChargeOutcome | null> {
    const member = staff();
    if (!member) return null;
    const attempt = () =>
      charge(db, request, {
        staffId: member.staffId,
        now: new Date(),
        newId: () => crypto.randomUUID(),
        serverHasNoWallet: noWallet.has,
      });
    let outcome = await attempt();
    // The server's "no wallet" may be out of date (a top-up at another till
    // since): asked again before a guest is sent to top up what they just did;
    // not while the server is known not to answer, when asking would only wait.
    const tag = request.kind === 'void' ? null : request.nitetapId;
    if (!outcome.ok && NO_WALLET.has(outcome.reason) && tag && engine.status().online) {
      const again = await lookupWallet(tag.trim().toLowerCase());
      if (again === 'found' || again === 'blocked') outcome = await attempt();
    }
    if (outcome.ok) engine.requestPush();
    return outcome;
  }

  return {
    charge: chargeAsStaff,
    lookupWallet,
    db,
    api,
    engine,
    sync,
    online,
    device,
    queue,
    attentionCount,
    lastSyncAt,
    lastPullAt,
    resent,
    revoked,
    staff,
    setStaff,
    draft,
    storageWarning,
    setStorageWarning,
    storageFailure,
  };
}

export type TillStore = ReturnType<typeof createTillStore>;

const TillContext = createContext<TillStore>();

export function TillProvider(props: { store: TillStore; children: JSX.Element }) {
  return <TillContext.Provider value={props.store}>{props.children}</TillContext.Provider>;
}

export function useTill(): TillStore {
  const store = useContext(TillContext);
  if (!store) throw new Error('useTill outside TillProvider');
  return store;
}
