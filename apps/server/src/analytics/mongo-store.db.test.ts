import { analyticsOutbox } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMetrics } from '../metrics/metrics.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { createMongoStore } from './mongo-store.ts';
import { MAX_REFUSALS, outboxBacklog } from './outbox.ts';
import { pgSnapshot } from './pg-snapshot.ts';
import { createShipper } from './shipper.ts';
import type { AnalyticsStore } from './store.ts';

/**
 * Needs a real MongoDB: runs only when ANALYTICS_MONGO_URL is set (none
 * exists on the project's machines, CI included), and says so when skipped.
 */
const mongoUrl = process.env.ANALYTICS_MONGO_URL;
const suite = mongoUrl ? describe : describe.skip;
const SKIP_REASON = 'ANALYTICS_MONGO_URL is not set; no MongoDB on this machine';
// The default reporter does not name skipped suites: say it in the run's output.
if (!mongoUrl) console.warn(`MongoDB analytics suite skipped: ${SKIP_REASON}`);

suite(`analytics on a real MongoDB${mongoUrl ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let server: TestServer;
  let store: AnalyticsStore;
  let client: MongoClient;
  beforeAll(async () => {
    server = await startTestServer();
    store = createMongoStore(mongoUrl as string);
    client = new MongoClient(mongoUrl as string);
  });
  afterAll(async () => {
    await client?.close();
    await store?.close();
    await server?.dispose();
  });

  test('the outbox delivers every event exactly once, also when shipped again; Mongo and Postgres snapshots agree', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const ops = [];
    for (let i = 0; i < 30; i++) {
      ops.push(
        await till.sign({
          op: 'sale',
          tender: i % 2 ? 'cash' : 'card',
          amountChf: 500 + i,
          lines: [{ itemId: `item-${i % 4}`, qty: 1 + (i % 3), unitNc: 100, unitChf: 100 }],
        }),
      );
    }
    await till.push(server.send, ops);
    await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, server.rootToken);
    await till.push(server.send, [await till.sale(null, 100, 'cash')]);

    const db = server.database.db;
    const outbox = await db
      .select()
      .from(analyticsOutbox)
      .where(eq(analyticsOutbox.venueId, venueId));
    expect(outbox).toHaveLength(31);
    const metrics = createMetrics();
    const shipper = createShipper({ db, store, log: () => {}, metrics, batchSize: 8 });
    while ((await shipper.shipBatch()).claimed > 0) {}
    const events = client.db().collection('events');
    const stored = await events.find({ venueId }).toArray();
    expect(stored.map((d) => String(d._id)).sort()).toEqual(outbox.map((e) => e.id).sort());

    // A lost acknowledgement means a batch is shipped again: still one copy each.
    await db
      .update(analyticsOutbox)
      .set({ shippedAt: null })
      .where(eq(analyticsOutbox.venueId, venueId));
    while ((await shipper.shipBatch()).claimed > 0) {}
    expect(await events.countDocuments({ venueId })).toBe(31);
    expect(
      await metrics.registry.getSingleMetricAsString('niteos_analytics_shipped_total'),
    ).toContain('niteos_analytics_shipped_total{duplicate="true"} 31');

    const from = new Date(Date.now() - 24 * 3600_000);
    const to = new Date(Date.now() + 3600_000);
    expect(await store.snapshot(venueId, from, to)).toEqual(
      await pgSnapshot(db, venueId, from, to),
    );
  });

  test('a document MongoDB refuses (a validation rule) is reported per document: the rest ship, it is parked', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const ops = [];
    for (let i = 0; i < 6; i++)
      ops.push(await till.topup(`beef${String(i).padStart(6, '0')}`, 100 + i));
    await till.push(server.send, ops);
    const bad = `op:${ops[2]?.envelope.id}`;
    const db = server.database.db;
    const events = client.db().collection('events');
    // Ensure the collection exists before a validator can be set on it.
    await client
      .db()
      .createCollection('events')
      .catch(() => {});
    await client.db().command({
      collMod: 'events',
      validator: { _id: { $ne: bad } },
      validationLevel: 'strict',
      validationAction: 'error',
    });
    try {
      const shipper = createShipper({ db, store, log: () => {}, refusalRetryMs: 1 });
      for (let round = 0; round < 50 && (await outboxBacklog(db)).parked === 0; round++) {
        await shipper.shipBatch();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await client.db().command({ collMod: 'events', validator: {} });
    }
    const stored = await events.find({ venueId }).toArray();
    expect(stored.map((d) => String(d._id)).sort()).toEqual(
      ops
        .map((o) => `op:${o.envelope.id}`)
        .filter((id) => id !== bad)
        .sort(),
    );
    const [row] = await db.select().from(analyticsOutbox).where(eq(analyticsOutbox.id, bad));
    expect(row).toMatchObject({ shippedAt: null, attempts: MAX_REFUSALS });
  });
});
