import type { AnalyticsSnapshot } from '@niteos/schema/wire';

/** One outbox row as shipped: `id` becomes the document's `_id`. */
export interface AnalyticsEvent {
  id: string;
  kind: string;
  venueId: string | null;
  at: Date;
  payload: unknown;
  createdAt: Date;
}

/** Snapshot figures before item names are filled in from the catalog. */
export type SnapshotFigures = Omit<
  AnalyticsSnapshot,
  'venueId' | 'from' | 'to' | 'source' | 'topItems'
> & { topItems: { itemId: string; qty: number; amountNc: number }[] };

/** An event the store answered for and would not take (a validation rule, say), and why. */
export interface Refusal {
  id: string;
  reason: string;
}

/** The store's verdict on every event of a batch: each one is stored or refused. */
export interface InsertResult {
  inserted: number;
  /** Already stored by an earlier attempt whose acknowledgement was lost: delivered. */
  duplicates: number;
  refused: Refusal[];
}

/** The analytics event store (MongoDB): the outbox shipper's target. */
export interface AnalyticsStore {
  readonly kind: 'mongo';
  /**
   * Stores events idempotently by id: one already stored counts as
   * delivered. Resolves only with a durable verdict on every event; throws
   * when it has none for the batch as a whole (store down, timeout, write
   * concern not met), in which case the events may or may not be stored.
   */
  insert(events: AnalyticsEvent[]): Promise<InsertResult>;
  snapshot(venueId: string, from: Date, to: Date): Promise<SnapshotFigures>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How many top items a snapshot lists. */
export const TOP_ITEMS = 10;
