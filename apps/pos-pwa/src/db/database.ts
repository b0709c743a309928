import { isNcDebit } from '@niteos/ledger-core';
import type { CatalogItem, Envelope, OpResult, Policy, StaffCredential } from '@niteos/schema/wire';
import { Dexie, type EntityTable } from 'dexie';

/** This device's till identity. The secret key never leaves IndexedDB. */
export interface DeviceRow {
  key: 'device';
  tillId: string;
  venueId: string;
  venueName: string;
  tillName: string;
  deviceToken: string;
  secretKey: Uint8Array;
  publicKey: string;
  /** `seq` of the last op signed here, and the chain hash for the next `prev`. */
  seq: number;
  prev: string;
  enrolledAt: string;
}

/** A signed op waiting for the server. Leaves only on a final answer. */
export interface QueuedOp {
  seq: number;
  id: string;
  envelope: Envelope;
  sig: string;
  /** Lower-case NiteTap id or "" (Dexie cannot index null). */
  nitetapId: string;
  /** NC this op takes from the wallet (0 unless an NC sale or cashout). */
  debitNc: number;
  createdAt: number;
}

/** The queue entry of a signed op, stamped with the till-clock ms it was (re)queued at. */
export function queuedOp(envelope: Envelope, sig: string, createdAt: number): QueuedOp {
  return {
    seq: envelope.seq,
    id: envelope.id,
    envelope,
    sig,
    nitetapId: envelope.nitetapId ?? '',
    debitNc: isNcDebit(envelope) ? envelope.amountNc : 0,
    createdAt,
  };
}

/** A till op the server answered `rejected`: shown to staff until dismissed. */
export interface AttentionRow {
  id: string;
  envelope: Envelope;
  reason: string;
  at: number;
}

/** Recent ops of this till (sales for voids, and a log for staff). */
export interface HistoryRow {
  id: string;
  seq: number;
  envelope: Envelope;
  status: OpResult['status'] | 'queued';
  reason: string | null;
  voidedBy: string | null;
  at: number;
  /**
   * The op's signature, kept after it leaves the queue so that it can be
   * sent again if the server loses it (a restore from a backup). Absent on
   * ops the server took before tills kept it.
   */
  sig?: string;
  /** Till-clock ms when the server's answer took the op out of the queue. */
  settledAt?: number;
}

/** The last server figure for a wallet and when it was true. */
export interface WalletRow {
  nitetapId: string;
  balanceNc: number;
  asOf: string;
  /**
   * Till clock (ms) when the server was asked for this wallet on its own:
   * pulls do not follow such a wallet (not seen at this venue), so it is
   * asked again before it is used. Absent once a pull or a push brings it.
   */
  lookedUpAt?: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export type TillDb = Dexie & {
  device: EntityTable<DeviceRow, 'key'>;
  queue: EntityTable<QueuedOp, 'seq'>;
  attention: EntityTable<AttentionRow, 'id'>;
  history: EntityTable<HistoryRow, 'id'>;
  catalog: EntityTable<CatalogItem, 'itemId'>;
  wallets: EntityTable<WalletRow, 'nitetapId'>;
  blocked: EntityTable<{ nitetapId: string }, 'nitetapId'>;
  staff: EntityTable<StaffCredential, 'staffId'>;
  meta: EntityTable<MetaRow, 'key'>;
};

/** Opens the till database (one per origin; a till is one device). */
export function openTillDb(name = 'niteos-till'): TillDb {
  // Staff are told "Paid" once the op's transaction commits. Chrome 121+
  // commits in relaxed mode by default: the data may still sit in the OS
  // cache, so a power cut right after could lose a sale the guest was told
  // went through. Strict durability commits only once it is on disk.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as TillDb;
  // Version 2 indexes history by wallet: the unknown-wallet cap counts every
  // NC this till took from a wallet it has no snapshot of (ops/pending.ts).
  db.version(2).stores({
    device: 'key',
    queue: 'seq, id, nitetapId',
    attention: 'id, at',
    history: 'id, seq, at, envelope.nitetapId',
    catalog: 'itemId, category',
    wallets: 'nitetapId',
    blocked: 'nitetapId',
    staff: 'staffId',
    meta: 'key',
  });
  return db;
}

/** Meta key: till-clock ms of the last exchange the server answered (push or pull). */
export const LAST_SYNC_AT = 'lastSyncAt';
/**
 * Meta key: till-clock ms of the last pull that came in whole: how fresh
 * the staff list, blocked tags, catalog and balances are. Pushes alone can
 * go through for hours while pulls fail.
 */
export const LAST_PULL_AT = 'lastPullAt';
/** Meta key: true while the server holds this till's ops because the till was revoked. */
export const REVOKED = 'revoked';
/**
 * Meta key: the ops last queued again because the server had lost them
 * (`Resent`), shown to staff while any of them still waits.
 */
export const RESENT = 'resent';

export interface Resent {
  count: number;
  /** The highest seq among them: they wait while the queue's oldest seq is at most this. */
  maxSeq: number;
}

/** `resent` while some of its ops still wait: the queue's oldest seq is at most its highest. */
export function stillResending(
  resent: Resent | null | undefined,
  oldestQueuedSeq: number | null | undefined,
): Resent | null {
  return resent && oldestQueuedSeq != null && oldestQueuedSeq <= resent.maxSeq ? resent : null;
}

/**
 * Forgets the ops signed before `before` (till-clock ms) that have left the
 * queue, except the newest `keepLast`. History grows by every op the till
 * signs, about 1 KB each with its signature; past the kept age an op is no
 * longer shown, voided at the bar or sent again after a server restore. The
 * newest are kept whatever the clock says: a clock jumping ahead must not
 * take tonight's sales with it. Queued ops stay whatever their age.
 */
export async function forgetHistoryBefore(
  db: TillDb,
  before: number,
  keepLast: number,
): Promise<number> {
  const newest = (await db.history.orderBy('seq').last())?.seq ?? 0;
  return db.history
    .where('at')
    .below(before)
    .filter((row) => row.status !== 'queued' && row.seq <= newest - keepLast)
    .delete();
}

export async function getMeta<T>(db: TillDb, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(db: TillDb, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

export type { CatalogItem, Policy, StaffCredential };
