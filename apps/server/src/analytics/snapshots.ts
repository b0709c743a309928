import { marketItems } from '@niteos/schema/tables';
import type { AnalyticsSnapshot } from '@niteos/schema/wire';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { unavailable } from '../errors.ts';
import { pgSnapshot } from './pg-snapshot.ts';
import type { AnalyticsStore } from './store.ts';

/**
 * A venue's snapshots over [from, to): aggregated in MongoDB when it is
 * configured, from the outbox in PostgreSQL otherwise; item names come
 * from the catalog either way.
 */
export async function venueSnapshot(
  db: Db,
  store: AnalyticsStore | null | undefined,
  venueId: string,
  from: Date,
  to: Date,
): Promise<AnalyticsSnapshot> {
  const figures = store
    ? await store.snapshot(venueId, from, to).catch((cause: unknown) => {
        // PostgreSQL keeps only the last few days of events once shipped: no
        // stand-in for MongoDB's history, so say it is down rather than guess.
        throw Object.assign(
          unavailable(
            'MongoDB, which keeps the analytics, is not answering: try again shortly',
            30,
          ),
          { cause },
        );
      })
    : await pgSnapshot(db, venueId, from, to);
  const ids = figures.topItems.map((i) => i.itemId);
  const names = new Map(
    ids.length > 0
      ? (
          await db
            .select({ id: marketItems.id, name: marketItems.name })
            .from(marketItems)
            // Tills send item ids as they have them: another venue's never lends its name.
            .where(and(eq(marketItems.venueId, venueId), inArray(marketItems.id, ids)))
        ).map((r) => [r.id, r.name])
      : [],
  );
  return {
    venueId,
    from: from.toISOString(),
    to: to.toISOString(),
    source: store ? 'mongo' : 'postgres',
    ...figures,
    topItems: figures.topItems.map((i) => ({ ...i, name: names.get(i.itemId) ?? null })),
  };
}
