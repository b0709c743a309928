import { MongoBulkWriteError, MongoClient } from 'mongodb';
import { BUSINESS_DAY_START_HOUR_UTC } from '../counters/business-day.ts';
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
 * Reads an unordered insertMany's per-document errors as a verdict on
 * each event. Unordered: every document was tried, so each one is either
 * stored or has its own write error. A duplicate id is a delivery from an
 * earlier attempt whose acknowledgement was lost; any other write error is
 * the store refusing that document. Rethrows what is no such verdict: a
 * write concern error (nothing is known durable) or counts that do not add
 * up (a part of the batch never got an answer).
 */
function verdictOf(err: MongoBulkWriteError, docs: EventDoc[]): InsertResult {
  const errors = [err.writeErrors].flat();
  if (err.result.getWriteConcernError() || err.insertedCount + errors.length !== docs.length)
    throw err;
  const refused: Refusal[] = [];
  for (const e of errors) {
    if (e.code === DUPLICATE_KEY) continue;
    const doc = docs[e.index];
    if (!doc) throw err;
    refused.push({ id: doc._id, reason: `${e.code}: ${e.errmsg}` });
  }
  return {
    inserted: err.insertedCount,
    duplicates: errors.length - refused.length,
    refused,
  };
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
        if (!(err instanceof MongoBulkWriteError)) throw err;
        return verdictOf(err, docs);
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
            { $match: { venueId, kind: 'op', 'payload.op': 'sale', at: { $gte: from, $lt: to } } },
            { $unwind: '$payload.lines' },
            {
              $group: {
                _id: '$payload.lines.itemId',
                qty: { $sum: '$payload.lines.qty' },
                amountNc: { $sum: { $multiply: ['$payload.lines.qty', '$payload.lines.unitNc'] } },
              },
            },
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
