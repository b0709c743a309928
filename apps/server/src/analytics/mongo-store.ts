import { BUSINESS_DAY_START_HOUR_UTC } from '@niteos/schema/wire';
import { MongoBulkWriteError, MongoClient } from 'mongodb';
import type {
  AnalyticsEvent,
  AnalyticsStore,
  InsertResult,
  Refusal,
  SnapshotFigures,
} from './store.ts';
import { TOP_ITEMS } from './store.ts';

interface EventDoc {
  _id: string;
  kind: string;
  venueId: string | null;
  at: Date;
  payload: unknown;
  createdAt: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * Per-document errors that say the server could not take the write just
 * then (failover, shutdown, network, time limits, write conflicts, a
 * provider's rate limit: the retryable codes of MongoDB's retryable-writes
 * spec and a few more), not that it refuses the document. Counted as
 * refusals they would park events after a failover of a few seconds.
 */
const TRANSIENT_CODES = new Set([
  6, 7, 50, 89, 91, 112, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 16500,
]);

/** One per-document error of an unordered insertMany. */
export interface DocumentError {
  index: number;
  code: number;
  errmsg?: string;
}

/**
 * The store's verdict on each document of an unordered insertMany that
 * failed in part, or null when there is none to give and the whole batch
 * must be tried again later. Unordered: every document was tried, so each
 * one is either stored or has its own error. A duplicate id is a delivery
 * from an earlier attempt whose acknowledgement was lost; a transient error
 * is no verdict; any other error is the store refusing that document.
 */
export function verdictOf(
  ids: string[],
  insertedCount: number,
  errors: DocumentError[],
): InsertResult | null {
  if (insertedCount + errors.length !== ids.length) return null;
  if (errors.some((e) => TRANSIENT_CODES.has(e.code))) return null;
  const refused: Refusal[] = [];
  for (const e of errors) {
    if (e.code === DUPLICATE_KEY) continue;
    const id = ids[e.index];
    if (id === undefined) return null;
    refused.push({ id, reason: `${e.code}: ${e.errmsg ?? 'refused'}` });
  }
  return { inserted: insertedCount, duplicates: errors.length - refused.length, refused };
}

/**
 * The event log in MongoDB (official driver), database from the URL's
 * path, collection `events`. Every call fails within `timeoutMs` when the
 * server cannot be reached, so the shipper backs off instead of hanging.
 */
export function createMongoStore(url: string, timeoutMs = 5000): AnalyticsStore {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs * 4,
    appName: 'niteos',
  });
  const events = client.db().collection<EventDoc>('events');
  let indexed = false;

  const sumSigned = (field: string) => ({ $sum: { $multiply: ['$sign', `$payload.${field}`] } });
  const netSales = (venueId: string, from: Date, to: Date) => [
    {
      $match: {
        venueId,
        kind: 'op',
        'payload.op': { $in: ['sale', 'void'] },
        at: { $gte: from, $lt: to },
      },
    },
    { $set: { sign: { $cond: [{ $eq: ['$payload.op', 'void'] }, -1, 1] } } },
  ];
  const figures = {
    count: { $sum: '$sign' },
    amountNc: sumSigned('amountNc'),
    amountChf: sumSigned('amountChf'),
  };

  return {
    kind: 'mongo',
    async insert(batch) {
      if (!indexed) {
        await events.createIndex({ venueId: 1, kind: 1, at: 1 });
        indexed = true;
      }
      const docs = batch.map(({ id, ...rest }: AnalyticsEvent) => ({ _id: id, ...rest }));
      try {
        const result = await events.insertMany(docs, { ordered: false });
        return { inserted: result.insertedCount, duplicates: 0, refused: [] };
      } catch (err) {
        // A write concern error: nothing is known durable. No verdict: the
        // batch fails and is tried again, the stored part then as duplicates.
        if (!(err instanceof MongoBulkWriteError) || err.result.getWriteConcernError()) throw err;
        const verdict = verdictOf(
          docs.map((d) => d._id),
          err.insertedCount,
          [err.writeErrors].flat(),
        );
        if (!verdict) throw err;
        return verdict;
      }
    },
    async snapshot(venueId, from, to): Promise<SnapshotFigures> {
      const [perHour, items, tenders, nights] = await Promise.all([
        events
          .aggregate<{ _id: Date; count: number; amountNc: number; amountChf: number }>([
            ...netSales(venueId, from, to),
            { $group: { _id: { $dateTrunc: { date: '$at', unit: 'hour' } }, ...figures } },
            { $sort: { _id: 1 } },
          ])
          .toArray(),
        events
          .aggregate<{ _id: string; qty: number; amountNc: number }>([
            // A void carries its sale's lines: they come off, as its amounts do.
            ...netSales(venueId, from, to),
            { $unwind: '$payload.lines' },
            {
              $group: {
                _id: '$payload.lines.itemId',
                qty: { $sum: { $multiply: ['$sign', '$payload.lines.qty'] } },
                amountNc: {
                  $sum: {
                    $multiply: ['$sign', '$payload.lines.qty', '$payload.lines.unitNc'],
                  },
                },
              },
            },
            { $match: { qty: { $gt: 0 } } },
            { $sort: { qty: -1, _id: 1 } },
            { $limit: TOP_ITEMS },
          ])
          .toArray(),
        events
          .aggregate<{
            _id: 'nc' | 'cash' | 'card';
            count: number;
            amountNc: number;
            amountChf: number;
          }>([
            ...netSales(venueId, from, to),
            { $group: { _id: '$payload.tender', ...figures } },
            { $sort: { _id: 1 } },
          ])
          .toArray(),
        events
          .aggregate<{ _id: string; count: number }>([
            { $match: { venueId, kind: 'conflict', at: { $gte: from, $lt: to } } },
            {
              $group: {
                _id: {
                  $dateToString: {
                    format: '%Y-%m-%d',
                    date: { $subtract: ['$at', BUSINESS_DAY_START_HOUR_UTC * 3_600_000] },
                  },
                },
                count: { $sum: 1 },
              },
            },
            { $sort: { _id: 1 } },
          ])
          .toArray(),
      ]);
      return {
        salesPerHour: perHour.map(({ _id, ...f }) => ({ hour: _id.toISOString(), ...f })),
        topItems: items.map(({ _id, ...f }) => ({ itemId: _id, ...f })),
        tenderMix: tenders.map(({ _id, ...f }) => ({ tender: _id, ...f })),
        conflictsPerNight: nights.map((n) => ({ night: n._id, count: n.count })),
      };
    },
    async ping() {
      await client.db().command({ ping: 1 });
    },
    async close() {
      await client.close();
    },
  };
}
