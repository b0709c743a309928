import { analyticsOutbox, ops } from '@niteos/schema/tables';
import { type AnalyticsSnapshot, analyticsSnapshotSchema } from '@niteos/schema/wire';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rowsOf } from '../db/database.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { closedPort } from '../test-support/closed-port.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { fakeStore } from './fake-store.ts';
import { createMongoStore } from './mongo-store.ts';
import { MAX_REFUSALS, outboxBacklog } from './outbox.ts';
import { createShipper, type ShipperOptions } from './shipper.ts';

let server: TestServer;
let tagCounter = 0;
const newTag = () => `e0e0c0d0${(++tagCounter).toString(16).padStart(8, '0')}`;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

const eventsOf = (ids: string[]) =>
  server.database.db.select().from(analyticsOutbox).where(inArray(analyticsOutbox.id, ids));
const pendingEvents = async () => (await outboxBacklog(server.database.db)).pending;

describeDb('analytics outbox: written with the change', () => {
  test('every applied op, conflict, resolution and sign-in leaves one event; rejects and replays none', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 1200);
    const first = await till.push(server.send, [topup, sale]);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const replay = await till.push(server.send, [topup, sale]);
    expect(replay.body.results.every((r) => r.duplicate)).toBe(true);

    await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, server.rootToken);
    const held = await till.sale(tag, 700);
    expect((await till.push(server.send, [held])).body.results[0]?.status).toBe('held');
    const open = await server.json(
      'GET',
      `/api/admin/conflicts?status=open&venueId=${venueId}`,
      server.rootToken,
    );
    const conflictId: string = open.body.conflicts[0].id;
    const resolved = await server.json(
      'POST',
      `/api/admin/conflicts/${conflictId}/resolve`,
      server.rootToken,
      {
        resolution: 'accept',
        note: 'known guest',
      },
    );
    expect(resolved.status).toBe(200);

    const events = await server.database.db
      .select()
      .from(analyticsOutbox)
      .where(eq(analyticsOutbox.venueId, venueId));
    expect(events.map((e) => e.id).sort()).toEqual(
      [
        `op:${topup.envelope.id}`,
        `op:${sale.envelope.id}`,
        `conflict:${held.envelope.id}`,
        // Accepted, the held sale stands: it counts from its resolution on.
        `op:${held.envelope.id}`,
        `resolution:${conflictId}`,
      ].sort(),
    );
    const saleEvent = events.find((e) => e.id === `op:${sale.envelope.id}`);
    expect(saleEvent?.payload).toMatchObject({
      op: 'sale',
      tender: 'nc',
      amountNc: 1200,
      nitetapId: tag,
    });
    expect(saleEvent?.at.toISOString()).toBe(sale.envelope.at);
    expect(events.find((e) => e.kind === 'resolution')?.payload).toMatchObject({
      resolution: 'accept',
      opId: held.envelope.id,
    });

    const staff = await server.userToken('staff', venueId);
    const signIns = await server.database.db
      .select()
      .from(analyticsOutbox)
      .where(like(analyticsOutbox.id, 'sign_in:%'));
    const mine = signIns.filter((e) => (e.payload as { userId: string }).userId === staff.userId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'sign_in', venueId, payload: { role: 'staff' } });
    // No email, password or token in an event.
    expect(JSON.stringify(mine[0])).not.toContain(staff.email);
    expect(JSON.stringify(mine[0])).not.toContain(staff.token);
  });

  test('the event and the op commit together: when the event cannot be written, neither is', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const topup = await till.topup(newTag(), 3000);
    // An event already holding this op's event id makes the push's insert fail.
    await server.database.db.insert(analyticsOutbox).values({
      id: `op:${topup.envelope.id}`,
      kind: 'planted',
      at: new Date(),
      payload: {},
    });
    const failed = await till.push(server.send, [topup]);
    expect(failed.status).toBe(500);
    expect(
      await server.database.db.select().from(ops).where(eq(ops.id, topup.envelope.id)),
    ).toEqual([]);

    await server.database.db
      .delete(analyticsOutbox)
      .where(eq(analyticsOutbox.id, `op:${topup.envelope.id}`));
    const retried = await till.push(server.send, [topup]);
    expect(retried.body.results[0]).toMatchObject({ status: 'applied', duplicate: false });
    expect(await eventsOf([`op:${topup.envelope.id}`])).toHaveLength(1);
  });
});

describeDb('analytics snapshots from PostgreSQL', () => {
  test("top items are named from the venue's own catalog only", async () => {
    const venueId = await server.createVenue();
    const elsewhere = await server.createVenue();
    const item = async (venue: string, name: string) =>
      (
        await server.json('POST', `/api/admin/venues/${venue}/market-items`, server.rootToken, {
          name,
          category: 'Beer',
          priceNc: 600,
          priceChf: 600,
        })
      ).body.itemId as string;
    const own = await item(venueId, 'House lager');
    const foreign = await item(elsewhere, 'Their secret cocktail');
    const till = await server.enrollTill(venueId);
    const sale = await till.sign({
      op: 'sale',
      tender: 'cash',
      amountNc: 0,
      amountChf: 1200,
      lines: [
        { itemId: own, qty: 1, unitNc: 600, unitChf: 600 },
        { itemId: foreign, qty: 1, unitNc: 600, unitChf: 600 },
      ],
    });
    expect((await till.push(server.send, [sale])).body.results[0]?.status).toBe('applied');
    const res = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/analytics`,
      server.rootToken,
    );
    expect(res.status).toBe(200);
    const names = Object.fromEntries(
      (res.body.topItems as { itemId: string; name: string | null }[]).map((i) => [
        i.itemId,
        i.name,
      ]),
    );
    expect(names).toEqual({ [own]: 'House lager', [foreign]: null });
  });

  test('sales per hour, top items and tender mix net of voids, conflicts per night', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = newTag();
    const line = (itemId: string, qty: number, unit: number) => ({
      itemId,
      qty,
      unitNc: unit,
      unitChf: unit,
    });
    const cashSale = (at: string, lines: ReturnType<typeof line>[]) => {
      const total = lines.reduce((s, l) => s + l.qty * l.unitNc, 0);
      return till.sign({ op: 'sale', tender: 'cash', at, amountNc: 0, amountChf: total, lines });
    };
    const a = await cashSale('2026-11-21T22:10:00.000Z', [
      line('beer', 2, 600),
      line('shot', 1, 500),
    ]);
    const b = await cashSale('2026-11-21T22:40:00.000Z', [line('beer', 1, 600)]);
    const c = await cashSale('2026-11-21T23:05:00.000Z', [
      line('shot', 3, 500),
      line('water', 1, 300),
    ]);
    const topup = await till.sign({
      op: 'topup',
      tender: 'card',
      nitetapId: tag,
      at: '2026-11-21T23:06:00.000Z',
      amountNc: 5000,
      amountChf: 5000,
    });
    const nc = await till.sign({
      op: 'sale',
      tender: 'nc',
      nitetapId: tag,
      at: '2026-11-21T23:20:00.000Z',
      amountNc: 1200,
      lines: [line('beer', 2, 600)],
      basis: { balanceNc: 5000, asOf: '2026-11-21T23:10:00.000Z', pendingNc: 0 },
    });
    const voidB = await till.sign({
      op: 'void',
      tender: 'cash',
      at: '2026-11-21T23:30:00.000Z',
      amountNc: 0,
      amountChf: 600,
      lines: [line('beer', 1, 600)],
      voids: b.envelope.id,
    });
    const pushed = await till.push(server.send, [a, b, c, topup, nc, voidB]);
    expect(pushed.body.results.map((r) => r.status)).toEqual(Array(6).fill('applied'));
    await server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, server.rootToken);
    await till.push(server.send, [await till.sale(tag, 100)]);

    const to = new Date(Date.now() + 3600_000).toISOString();
    const res = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/analytics?from=2026-11-21T00:00:00Z&to=${to}`,
      server.rootToken,
    );
    expect(res.status).toBe(200);
    const snap: AnalyticsSnapshot = analyticsSnapshotSchema.parse(res.body);
    expect(snap.source).toBe('postgres');
    expect(snap.salesPerHour).toEqual([
      { hour: '2026-11-21T22:00:00.000Z', count: 2, amountNc: 0, amountChf: 2300 },
      { hour: '2026-11-21T23:00:00.000Z', count: 1, amountNc: 1200, amountChf: 1200 },
    ]);
    // Beer: 2 + 1 + 2 sold, the 1 of sale b voided.
    expect(snap.topItems).toEqual([
      { itemId: 'beer', name: null, qty: 4, amountNc: 2400 },
      { itemId: 'shot', name: null, qty: 4, amountNc: 2000 },
      { itemId: 'water', name: null, qty: 1, amountNc: 300 },
    ]);
    expect(snap.tenderMix).toEqual([
      { tender: 'cash', count: 2, amountNc: 0, amountChf: 3500 },
      { tender: 'nc', count: 1, amountNc: 1200, amountChf: 0 },
    ]);
    expect(snap.conflictsPerNight).toHaveLength(1);
    expect(snap.conflictsPerNight[0]?.count).toBe(1);

    const staff = await server.userToken('staff', venueId);
    expect(
      (await server.json('GET', `/api/admin/venues/${venueId}/analytics`, staff.token)).status,
    ).toBe(403);
    const bad = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/analytics?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z`,
      server.rootToken,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
  });

  test('held sales count once they stand: an accepted one counts, one voided at the till never does', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const tag = newTag();
    await till.push(server.send, [await till.topup(tag, 5000)]);
    const heldSale = async (nc: number) => {
      till.breakChain();
      const sale = await till.sale(tag, nc);
      const { body } = await till.push(server.send, [sale]);
      expect(body.results[0]).toMatchObject({ status: 'held', reason: 'chain_break' });
      return sale;
    };
    const accepted = await heldSale(900);
    const voided = await heldSale(400);
    const { body } = await till.push(server.send, [await till.voidOf(voided)]);
    expect(body.results[0]).toMatchObject({ status: 'applied' });
    const open = await server.json(
      'GET',
      `/api/admin/conflicts?status=open&venueId=${venueId}`,
      server.rootToken,
    );
    const conflict = open.body.conflicts.find(
      (c: { opId: string }) => c.opId === accepted.envelope.id,
    );
    const resolved = await server.json(
      'POST',
      `/api/admin/conflicts/${conflict.id}/resolve`,
      server.rootToken,
      { resolution: 'accept', note: 'the guest paid' },
    );
    expect(resolved.status).toBe(200);

    const res = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/analytics?from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 3600_000).toISOString()}`,
      server.rootToken,
    );
    const snap: AnalyticsSnapshot = analyticsSnapshotSchema.parse(res.body);
    expect(snap.tenderMix).toEqual([{ tender: 'nc', count: 1, amountNc: 900, amountChf: 0 }]);
    const report = await server.json(
      'GET',
      `/api/admin/venues/${venueId}/reports/night`,
      server.rootToken,
    );
    // The night report agrees.
    expect(report.body.total).toMatchObject({
      salesNc: { count: 1, nc: 900 },
      voids: { count: 0, nc: 0, cashChf: 0, cardChf: 0 },
    });
  });
});

/** A shipper on the test server's database whose metrics and log lines the test can read. */
function watchedShipper(options: Omit<ShipperOptions, 'db' | 'log' | 'metrics'>) {
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const shipper = createShipper({
    ...options,
    db: server.database.db,
    metrics,
    log: (e) => logs.push(e),
  });
  return { shipper, metrics, logs };
}

/** Outbox state of `ids`, read raw: a parked event's endless lease is no Date. */
async function outboxState(ids: string[]) {
  const result = await server.database.db.execute(sql`
    select id, attempts, shipped_at is not null as shipped,
      claimed_until = 'infinity'::timestamptz as parked,
      coalesce(claimed_until > now(), false) as leased
    from analytics_outbox
    where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
    order by id`);
  return rowsOf<{
    id: string;
    attempts: number;
    shipped: boolean;
    parked: boolean;
    leased: boolean;
  }>(result);
}

/** Pushes `count` topups from a new till of a new venue: one outbox event each. */
async function pushedTopups(count: number) {
  const till = await server.enrollTill(await server.createVenue());
  const ops = [];
  for (let i = 0; i < count; i++) ops.push(await till.topup(newTag(), 100 + i));
  await till.push(server.send, ops);
  return ops;
}

describeDb('analytics shipper', () => {
  test('with MongoDB unreachable (real driver, closed port) events stay queued, are retried, and are never parked', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    await till.push(server.send, [await till.topup(newTag(), 1000)]);
    const db = server.database.db;
    const before = await pendingEvents();
    expect(before).toBeGreaterThan(0);

    const store = createMongoStore(`mongodb://127.0.0.1:${await closedPort()}/niteos_test`, 300);
    const { shipper, metrics, logs } = watchedShipper({ store, backoffMs: 50, maxBackoffMs: 200 });
    try {
      await expect(shipper.shipBatch()).rejects.toThrow();
      shipper.start();
      // More failed batches than refusals park an event: an outage must never park one.
      await expect.poll(() => shipper.failures, { timeout: 20_000 }).toBeGreaterThan(MAX_REFUSALS);
      const stopped = await shipper.stop(500);
      expect(stopped.complete).toBe(false);
    } finally {
      await store.close();
    }
    expect(await pendingEvents()).toBe(before);
    expect((await outboxBacklog(db)).parked).toBe(0);
    const rows = await db
      .select()
      .from(analyticsOutbox)
      .where(eq(analyticsOutbox.venueId, venueId));
    // Released, not leased: the next attempt can take them at once. No refusal counted.
    expect(
      rows.every((r) => r.shippedAt === null && r.claimedUntil === null && r.attempts === 0),
    ).toBe(true);
    expect(logs.some((l) => l.msg === 'analytics shipping failed; events stay queued')).toBe(true);
    expect(
      await metrics.registry.getSingleMetricAsString('niteos_analytics_ship_failures_total'),
    ).toMatch(
      /niteos_analytics_ship_failures_total [2-9]|niteos_analytics_ship_failures_total \d\d/,
    );
  });

  test('(fake in-memory store) three shippers at once, one lost acknowledgement: every event stored once, all marked shipped', async () => {
    const db = server.database.db;
    const batch = await pushedTopups(40);

    let attempts = 0;
    let lostAck = false;
    const { stored, store } = fakeStore({
      after: () => {
        attempts += 1;
        if (!lostAck) {
          lostAck = true;
          throw new Error('connection reset after the write (acknowledgement lost)');
        }
      },
    });
    const shippers = [1, 2, 3].map(() =>
      createShipper({ db, store, log: () => {}, batchSize: 7, backoffMs: 10 }),
    );
    const pending = await pendingEvents();
    const drain = async (s: (typeof shippers)[number]) => {
      for (let round = 0; round < 200; round++) {
        const n = await s.shipBatch().then(
          (b) => b.claimed,
          () => -1,
        );
        if (n === 0) return;
      }
    };
    await Promise.all(shippers.map(drain));
    expect(await pendingEvents()).toBe(0);
    expect(stored.size).toBe(pending);
    for (const e of batch) expect(stored.has(`op:${e.envelope.id}`)).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(Math.ceil(pending / 7));
  });

  test('(fake in-memory store) once caught up, it deletes shipped events past the retention, a chunk at a time', async () => {
    const db = server.database.db;
    const ops = await pushedTopups(8);
    const ids = ops.map((o) => `op:${o.envelope.id}`);
    const [old, recent, unshipped] = [ids.slice(0, 5), ids.slice(5, 7), ids.slice(7)];

    const { store } = fakeStore();
    const drainOnce = createShipper({ db, store, log: () => {} });
    while ((await drainOnce.shipBatch()).claimed > 0);
    const day = 24 * 3600_000;
    await db
      .update(analyticsOutbox)
      .set({ shippedAt: new Date(Date.now() - 8 * day) })
      .where(inArray(analyticsOutbox.id, old));
    // Old, unshipped, and leased elsewhere, so this shipper does not ship it either.
    await db
      .update(analyticsOutbox)
      .set({
        shippedAt: null,
        createdAt: new Date(Date.now() - 30 * day),
        claimedUntil: new Date(Date.now() + day),
      })
      .where(inArray(analyticsOutbox.id, unshipped));

    const { shipper, metrics, logs } = watchedShipper({
      store,
      keepShippedMs: 7 * day,
      pruneChunk: 2,
    });
    shipper.start();
    await expect
      .poll(async () => (await eventsOf(ids)).map((e) => e.id).sort(), { timeout: 10_000 })
      .toEqual([...recent, ...unshipped].sort());
    await shipper.stop(0);

    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'pruned shipped analytics events', events: old.length }),
    );
    expect(await metrics.registry.getSingleMetricAsString('niteos_analytics_pruned_total')).toMatch(
      new RegExp(`niteos_analytics_pruned_total ${old.length}$`, 'm'),
    );
  });

  test('(fake in-memory store) one event the store refuses holds up nothing: the rest ship, it is retried, then parked and kept', async () => {
    const db = server.database.db;
    const ids = (await pushedTopups(20)).map((o) => `op:${o.envelope.id}`);
    const bad = ids[3] as string;
    const { stored, tried, store } = fakeStore({
      refuses: (e) => (e.id === bad ? 'Document failed validation' : null),
    });
    const { shipper, metrics, logs } = watchedShipper({
      store,
      batchSize: 7,
      // Long enough to see the event held back after a refusal; 4 s in all until it is parked.
      refusalRetryMs: 250,
    });

    // Earlier tests may have left events queued ahead of these: ship until it was tried.
    while (!tried.has(bad)) expect((await shipper.shipBatch()).claimed).toBeGreaterThan(0);
    // Given back for a later try, not released: the next batch moves on past it.
    expect(await outboxState([bad])).toEqual([
      { id: bad, attempts: 1, shipped: false, parked: false, leased: true },
    ]);
    await expect
      .poll(
        async () => {
          await shipper.shipBatch();
          return (await outboxState([bad]))[0]?.parked;
        },
        { timeout: 10_000, interval: 5 },
      )
      .toBe(true);
    while ((await shipper.shipBatch()).claimed > 0);

    const others = ids.filter((id) => id !== bad);
    expect((await outboxState(others)).every((r) => r.shipped && r.attempts === 0)).toBe(true);
    for (const id of others) expect(stored.has(id)).toBe(true);
    // Parked: kept unshipped in PostgreSQL, never claimed again, counted.
    expect(stored.has(bad)).toBe(false);
    expect(tried.get(bad)).toBe(MAX_REFUSALS);
    expect(await outboxState([bad])).toEqual([
      { id: bad, attempts: MAX_REFUSALS, shipped: false, parked: true, leased: true },
    ]);
    expect((await outboxBacklog(db)).parked).toBe(1);
    const refused = await metrics.registry.getSingleMetricAsString(
      'niteos_analytics_refused_total',
    );
    expect(refused).toContain(`niteos_analytics_refused_total{parked="false"} ${MAX_REFUSALS - 1}`);
    expect(refused).toContain('niteos_analytics_refused_total{parked="true"} 1');
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        refusals: [{ id: bad, reason: 'Document failed validation' }],
      }),
    );

    // Ops repaired what the store refused and re-queued it (README): it ships.
    await db.execute(sql`
      update analytics_outbox set claimed_until = null, attempts = 0
      where shipped_at is null and claimed_until = 'infinity'`);
    const { store: fixed } = fakeStore();
    expect(await createShipper({ db, store: fixed, log: () => {} }).shipBatch()).toMatchObject({
      claimed: 1,
      shipped: 1,
    });
    expect((await outboxBacklog(db)).parked).toBe(0);
    expect(await outboxState([bad])).toMatchObject([{ shipped: true }]);
  });

  test('(fake store that hangs) stop honours its deadline with a batch in flight; the batch keeps its lease and ships once after it', async () => {
    const db = server.database.db;
    const ids = (await pushedTopups(5)).map((o) => `op:${o.envelope.id}`);
    let inserts = 0;
    let abandon = () => {};
    const hung = fakeStore({
      before: () =>
        new Promise<void>((_, reject) => {
          inserts += 1;
          abandon = () => reject(new Error('client closed'));
        }),
    });
    const { shipper } = watchedShipper({ store: hung.store, leaseSeconds: 1 });
    shipper.start();
    await expect.poll(() => inserts).toBe(1);

    // The store never answers: only the deadline lets stop return (else the test times out).
    expect(await shipper.stop(300)).toEqual({ flushed: 0, complete: false });
    expect((await outboxState(ids)).every((r) => !r.shipped && r.leased)).toBe(true);

    // Once the lease has run out the next shipper takes the batch.
    const next = fakeStore();
    const later = createShipper({ db, store: next.store, log: () => {} });
    await expect
      .poll(
        async () => {
          await later.shipBatch();
          return (await outboxState(ids)).every((r) => r.shipped);
        },
        { timeout: 5000, interval: 100 },
      )
      .toBe(true);
    // The abandoned insert finally fails: that undoes nothing, and nothing was stored twice.
    abandon();
    await expect.poll(() => shipper.failures).toBe(1);
    expect((await outboxState(ids)).every((r) => r.shipped)).toBe(true);
    expect(hung.stored.size).toBe(0);
    for (const id of ids) expect(next.tried.get(id)).toBe(1);
  });
});

describeDb('analytics snapshots with MongoDB configured but down', () => {
  test('the back office gets 503 with Retry-After and a reason, and the log says what failed', async () => {
    // The real driver, pointed at a port nothing listens on.
    const store = createMongoStore(`mongodb://127.0.0.1:${await closedPort()}/niteos_test`, 300);
    const logs: Record<string, unknown>[] = [];
    const down = await startTestServer({ deps: { analytics: store }, log: (e) => logs.push(e) });
    try {
      const venueId = await down.createVenue();
      const res = await down.send(`/api/admin/venues/${venueId}/analytics`, {
        headers: { authorization: `Bearer ${down.rootToken}` },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const body = await res.json();
      expect(body.error).toMatchObject({ code: 'unavailable' });
      expect(body.error.message).toMatch(/MongoDB.*not answering/);
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/MongoDB/) }),
      );
    } finally {
      await store.close();
      await down.dispose();
    }
  });
});
