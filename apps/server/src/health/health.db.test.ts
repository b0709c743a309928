import { sql } from 'drizzle-orm';
import { afterAll, expect, test, vi } from 'vitest';
import { fakeStore } from '../analytics/fake-store.ts';
import { createMongoStore } from '../analytics/mongo-store.ts';
import { createShipper, type Shipper, type ShippingStatus } from '../analytics/shipper.ts';
import type { AnalyticsStore } from '../analytics/store.ts';
import { createDrain } from '../lifecycle/drain.ts';
import { closedPort } from '../test-support/closed-port.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { activeTillsQuery, FLEET_PAGE_ROWS } from './fleet.ts';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});
async function start(deps: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(deps);
  servers.push(server);
  return server;
}

/**
 * A server with `store` as its analytics store and a shipper on its
 * database (built after the server, which opens the database) reported to
 * health as the server's own, as index.ts wires them.
 */
async function startShipping(store: AnalyticsStore) {
  let shipper: Shipper | undefined;
  const shipping: ShippingStatus = {
    get failures() {
      return shipper?.failures ?? 0;
    },
    get lastFailure() {
      return shipper?.lastFailure ?? null;
    },
  };
  const server = await start({ deps: { analytics: store, shipping } });
  shipper = createShipper({
    db: server.database.db,
    store,
    log: () => {},
    backoffMs: 5,
    maxBackoffMs: 20,
    refusalRetryMs: 1,
  });
  return { server, shipper };
}

describeDb('readiness: /api/health', () => {
  test('ok with the database, Redis (here in process) and analytics (here Postgres) up', async () => {
    const server = await start();
    const res = await server.json('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: {
        database: { status: 'up' },
        migrations: { status: 'current' },
        redis: { status: 'up', kind: 'memory' },
        // Nothing ships without a store, so nothing is counted as pending.
        analytics: { status: 'up', kind: 'postgres', outboxPending: null },
        pushes: { status: 'accepting' },
      },
    });
  });

  test('database gone: 503, migrations unknown (not "current"), the PostgreSQL analytics store down too', async () => {
    const server = await startTestServer();
    try {
      await server.database.close();
      const res = await server.json('GET', '/api/health');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'down',
        checks: {
          database: { status: 'down' },
          migrations: { status: 'unknown', error: 'the database is down' },
          analytics: { status: 'down', kind: 'postgres' },
        },
      });
      const page = await server.send('/health');
      expect(await page.text()).toContain('UNKNOWN');
    } finally {
      await server.dispose().catch(() => {});
    }
  });

  // A stopped Redis is covered through a real server process and Chromium
  // (test/health-page.test.ts): sign-in needs Redis, so this in-process server cannot start without it.
  test('a database that answers but refuses writes (disk full): pushes 500 and readiness says why', async () => {
    const server = await start();
    const till = await server.enrollTill(await server.createVenue());
    // What a full disk answers an insert: SQLSTATE 53100, from the real database.
    await server.database.db.execute(sql`
      create function refuse_writes() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file: No space left on device'
        using errcode = '53100'; end $$`);
    await server.database.db.execute(sql`
      create trigger disk_full before insert on ops for each row execute function refuse_writes()`);
    expect((await server.json('GET', '/api/health')).status).toBe(200);

    const pushed = await till.push(server.send, [await till.topup('d15cf011', 100)]);
    expect(pushed.status).toBe(500);
    const res = await server.json('GET', '/api/health');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toMatchObject({
      status: 'down',
      error: expect.stringContaining('SQLSTATE 53100'),
    });
    expect(res.body.checks.database.error).toContain('No space left on device');
    // The page counts the failed push: a failing burst does not look like a quiet night.
    const page = await (await server.send('/health')).text();
    expect(page).toMatch(/<tr class="degraded"><th>Pushes<\/th>[\s\S]*?, 1 failed<\/td>/);
  });

  test('a request over a resource limit (temp_file_limit, SQLSTATE 53400) is not taken for a disk that refuses writes', async () => {
    const server = await start();
    const till = await server.enrollTill(await server.createVenue());
    await server.database.db.execute(sql`
      create function over_limit() returns trigger language plpgsql as $$
      begin raise exception 'temporary file size exceeds temp_file_limit (1024kB)'
        using errcode = '53400'; end $$`);
    await server.database.db.execute(sql`
      create trigger over_limit before insert on ops for each row execute function over_limit()`);
    const pushed = await till.push(server.send, [await till.topup('d15cf012', 100)]);
    expect(pushed.status).toBe(500);
    const res = await server.json('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body.checks.database.status).toBe('up');
  });

  test('MongoDB unreachable (real driver, closed port): still 200, pushes go on, status degraded', async () => {
    const analytics = createMongoStore(`mongodb://127.0.0.1:${await closedPort()}/x`, 300);
    const server = await start({ deps: { analytics } });
    try {
      const res = await server.json('GET', '/api/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.analytics).toMatchObject({
        status: 'down',
        kind: 'mongo',
        outboxPending: expect.any(Number),
      });
      expect(res.body.checks.analytics.error).toEqual(expect.any(String));
      expect(res.body.checks.database.status).toBe('up');
    } finally {
      await analytics.close();
    }
  });

  test('(fake store: pings answer, every insert fails) degraded once batches keep failing, saying why; still 200', async () => {
    const store = fakeStore({
      before: () => {
        throw new Error('not authorized on niteos to execute command { insert: "events" }');
      },
    }).store;
    const { server, shipper } = await startShipping(store);
    const till = await server.enrollTill(await server.createVenue());
    await till.push(server.send, [await till.topup('fa110001', 100)]);
    // The ping alone says nothing about shipping.
    expect((await server.json('GET', '/api/health')).body.status).toBe('ok');

    shipper.start();
    await vi.waitFor(() => expect(shipper.failures).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    await shipper.stop(0);
    const res = await server.json('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks.analytics).toMatchObject({
      status: 'degraded',
      kind: 'mongo',
      outboxPending: expect.any(Number),
      outboxParked: 0,
    });
    expect(res.body.checks.analytics.reason).toMatch(
      /the last \d+ batches failed to ship, events stay queued: not authorized/,
    );
    const page = await (await server.send('/health')).text();
    expect(page).toMatch(/<span id="status" class="degraded">DEGRADED<\/span>/);
    expect(page).toMatch(/<tr class="degraded">\s*<th>Analytics store<\/th>/);
    expect(page).toContain('batches failed to ship');
  });

  test('(fake store refusing one event) degraded while an event is parked or the oldest queued one is old, saying why', async () => {
    const refused = new Set<string>();
    const { server, shipper } = await startShipping(
      fakeStore({ refuses: (e) => (refused.has(e.id) ? 'Document failed validation' : null) })
        .store,
    );
    const till = await server.enrollTill(await server.createVenue());
    const ok = await till.topup('fa110002', 100);
    const bad = await till.topup('fa110003', 100);
    refused.add(`op:${bad.envelope.id}`);
    await till.push(server.send, [ok, bad]);
    await vi.waitFor(
      async () => {
        await shipper.shipBatch();
        expect((await server.json('GET', '/api/health')).body.checks.analytics.outboxParked).toBe(
          1,
        );
      },
      { timeout: 5000, interval: 5 },
    );
    const parked = await server.json('GET', '/api/health');
    expect(parked.status).toBe(200);
    expect(parked.body.status).toBe('degraded');
    expect(parked.body.checks.analytics).toMatchObject({
      status: 'degraded',
      outboxPending: 0,
      outboxParked: 1,
      reason: expect.stringContaining('1 events parked after 5 refusals by the store'),
    });
    expect(await (await server.send('/health')).text()).toContain(
      '0 events queued in the outbox, 1 parked',
    );
    expect(await (await server.send('/metrics')).text()).toMatch(
      /^niteos_analytics_outbox_parked 1$/m,
    );

    // Re-queued by ops (README) while the store still refuses it: queued and old, so still degraded.
    await server.database.db.execute(sql`
      update analytics_outbox set claimed_until = null, attempts = 0,
        created_at = now() - interval '10 minutes'
      where shipped_at is null and claimed_until = 'infinity'`);
    const behind = await server.json('GET', '/api/health');
    expect(behind.body.status).toBe('degraded');
    expect(behind.body.checks.analytics).toMatchObject({ outboxPending: 1, outboxParked: 0 });
    expect(behind.body.checks.analytics.reason).toBe('the oldest queued event has waited 10 min');
  });

  test('while draining: new pushes 503 with Retry-After, the one in flight commits, readiness 503', async () => {
    const drain = createDrain();
    const server = await start({ deps: { drain } });
    const till = await server.enrollTill(await server.createVenue());
    const ops = [];
    for (let i = 0; i < 150; i++)
      ops.push(await till.topup(`ab${String(i).padStart(8, '0')}`, 100));
    const inFlight = till.push(server.send, ops);
    await vi.waitFor(() => expect(drain.inFlight).toBe(1), { interval: 1, timeout: 5000 });
    const drained = drain.start(10_000);

    const late = await server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tillId: till.tillId, ops: [await till.topup('cd00000001', 100)] }),
    });
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('5');
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('unavailable');

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.body.results.map((r) => r.status)).toEqual(ops.map(() => 'applied'));
    expect(await drained).toBe(true);
    const health = await server.json('GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'down',
      checks: { pushes: { status: 'draining' } },
    });
  });
});

describeDb('the /health page', () => {
  test('server-rendered, self-refreshing, escaped; shows counters, silent tills, gaps and conflicts', async () => {
    const server = await start({ deps: { silentTillSeconds: 60 } });
    const venue = await server.json('POST', '/api/admin/venues', server.rootToken, {
      name: '<script>alert("x")</script> Club',
      slug: `club-${Date.now()}`,
      city: 'Bern',
    });
    const venueId: string = venue.body.id;
    const quiet = await server.enrollTill(venueId);
    const till = await server.enrollTill(venueId);
    await till.push(server.send, [
      await till.topup('feed0001', 5000),
      await till.sale('feed0001', 1500),
      await till.sale('feed0002', 800, 'cash'),
    ]);
    await till.sign({
      op: 'topup',
      nitetapId: 'feed0003',
      tender: 'cash',
      amountNc: 100,
      amountChf: 100,
    });
    await till.push(server.send, [await till.topup('feed0003', 100)]);
    // A lost till's gap can never close: revoked, it leaves the alerts (its held push stays a conflict).
    const lost = await server.enrollTill(venueId);
    await lost.sign({
      op: 'topup',
      nitetapId: 'feed0004',
      tender: 'cash',
      amountNc: 100,
      amountChf: 100,
    });
    await lost.push(server.send, [await lost.topup('feed0001', 100)]);
    await server.json('POST', `/api/admin/tills/${lost.tillId}/revoke`, server.rootToken);
    await lost.push(server.send, [await lost.sale('feed0001', 100)]);

    const live = await server.json('GET', `/api/admin/venues/${venueId}/live`, server.rootToken);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      guests: 3,
      sales: { nc: { count: 1, amountNc: 1500 }, cash: { count: 1, amountChf: 800 } },
    });

    const res = await server.send('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('<meta http-equiv="refresh"');
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Club');
    expect(page).toMatch(/<span id="status" class="ok">OK<\/span>/);
    expect(page).toMatch(/Redis<\/th><td>memory<\/td>\s*<td><strong>UP/);
    // The revoked till is no longer active; the one that never pushed is silent.
    expect(page).toContain('1 of 2 active tills silent');
    expect(page).toMatch(/Bar 1<\/td>\s*<td>never \(silent\)/);
    const gaps = page.slice(
      page.indexOf('id="gaps"'),
      page.indexOf('</table>', page.indexOf('id="gaps"')),
    );
    expect(gaps.match(/<tr class="degraded">/g)).toHaveLength(1);
    expect(gaps).toMatch(
      /<tr class="degraded"><td>&lt;script&gt;[^<]*<\/td><td>Bar 1<\/td><td>5<\/td>/,
    );
    expect(page).not.toContain('shown.</p>');
    expect(page).toMatch(/<td>3<\/td>\s*<td>1 · 15.00 NC<\/td>/);
    expect(page).toMatch(/<tr class="degraded"><td>&lt;script&gt;[^<]*<\/td><td>1<\/td><\/tr>/);
    expect(page).toContain('Version test');
    // Several processes serve the page in turn: it says which one answered.
    expect(page).toContain(`process ${process.pid}`);
    expect(page).toMatch(/latency p50 \d+ ms/);
    expect(quiet.tillId).not.toBe(till.tillId);
  });

  test("a fleet past the page's rows counts every till and lists the silent ones first", async () => {
    const server = await start();
    const venueId = await server.createVenue();
    const many = FLEET_PAGE_ROWS.tills + 1;
    // Tills named after the one left silent still come after it: silent first, then by name.
    await server.database.db.execute(sql`
      insert into tills (id, venue_id, name, public_key, device_token_hash, last_seen_at)
      select 'fleet-' || i, ${venueId}, 'Till ' || lpad(i::text, 4, '0'), 'key-' || i, 'hash-' || i,
        case when i = ${many} then null else now() end
      from generate_series(1, ${many}) i`);
    const page = await (await server.send('/health')).text();
    expect(page).toMatch(new RegExp(`<p>1 of ${many} active tills silent`));
    expect(page).toContain(`Silent tills first: ${FLEET_PAGE_ROWS.tills} of ${many} shown.`);
    expect(page).toMatch(
      new RegExp(`Till ${String(many).padStart(4, '0')}</td>\\s*<td>never \\(silent\\)`),
    );
    expect(await (await server.send('/metrics')).text()).toMatch(
      new RegExp(`^niteos_tills_active ${many}$`, 'm'),
    );
  });

  test('a fleet query that fails says so instead of showing no tills, gaps or conflicts', async () => {
    const server = await start();
    await server.enrollTill(await server.createVenue());
    await server.database.db.execute(sql`alter table tills rename to tills_away`);
    try {
      const page = await (await server.send('/health')).text();
      expect(page).toMatch(
        /<p id="fleet-unavailable" class="down"><strong>Unavailable<\/strong>: .*tills/,
      );
      expect(page).not.toContain('active tills silent');
      expect(page).not.toContain('None open.');
    } finally {
      await server.database.db.execute(sql`alter table tills_away rename to tills`);
    }
    const page = await (await server.send('/health')).text();
    expect(page).not.toContain('fleet-unavailable');
    expect(page).toContain('1 of 1 active tills silent');
  });

  test("a till's sync lag is its newest op's, found by its chain key, never by scanning ops", async () => {
    const server = await start();
    const venue = await server.json('POST', '/api/admin/venues', server.rootToken, {
      name: 'Lag Club',
      slug: `lag-${Date.now()}`,
      city: 'Bern',
    });
    const till = await server.enrollTill(venue.body.id);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    // Sold offline 10 and 2 minutes ago, synced now: the newest op is 2 minutes late.
    const cola = { op: 'sale', tender: 'cash', amountChf: 500 } as const;
    const lines = [{ itemId: 'cola', qty: 1, unitNc: 500, unitChf: 500 }];
    await till.push(server.send, [
      await till.sign({ ...cola, lines, at: minutesAgo(10) }),
      await till.sign({ ...cola, lines, at: minutesAgo(2) }),
    ]);
    const page = await (await server.send('/health')).text();
    expect(page).toMatch(
      /<td>Lag Club<\/td><td>Bar 1<\/td>\s*<td>[^<]*<\/td><td>2<\/td>\s*<td>1[2-3]\d s<\/td>/,
    );

    // Even with the planner told to avoid them, a scan of ops is all it could do without the key.
    const plan = await server.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return tx.execute(sql`explain ${activeTillsQuery(600)}`);
    });
    const text = JSON.stringify(plan);
    expect(text).toContain('till_chain_till_id_seq_pk');
    expect(text).not.toMatch(/Seq Scan on ops/);
  });
});
