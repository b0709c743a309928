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

/** The analytics event store (MongoDB): the outbox shipper's target. */
export interface AnalyticsStore {
  readonly kind: 'mongo';
  /**
   * Stores events idempotently by id: one already stored counts as
   * delivered. Resolves only when every event is durably stored.
   */
  insert(events: AnalyticsEvent[]): Promise<{ inserted: number; duplicates: number }>;
  snapshot(venueId: string, from: Date, to: Date): Promise<SnapshotFigures>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How many top items a snapshot lists. */
export const TOP_ITEMS = 10;
