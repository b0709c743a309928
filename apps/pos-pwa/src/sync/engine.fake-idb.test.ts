import 'fake-indexeddb/auto';
import type { PushResponse } from '@niteos/schema/wire';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { TillDb } from '../db/database.ts';
import { charge } from '../ops/charge.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { createApi } from './api.ts';
import { createSyncEngine } from './engine.ts';

// IndexedDB is fake-indexeddb and the server a scripted fetch, so failures
// (503 + Retry-After, 401, a dead network) can be produced on cue. The real
// server and browser are exercised by the Chromium end-to-end suite.
let db: TillDb;
type Script = (body: {
  tillId: string;
  ops: { envelope: { id: string; seq: number } }[];
}) => Response | Error;
let script: Script;
const requests: { ops: { envelope: { id: string; seq: number } }[] }[] = [];

const fakeFetch: typeof fetch = async (_url, init) => {
  const body = JSON.parse(String(init?.body ?? '{}'));
  requests.push(body);
  const out = script(body);
  if (out instanceof Error) throw out;
  return out;
};
const applied = (body: Parameters<Script>[0]): Response => {
  const reply: PushResponse = {
    results: body.ops.map((op) => ({
      id: op.envelope.id,
      status: 'applied',
      duplicate: false,
      reason: null,
      balanceNc: 100,
      xp: 0,
      level: 1,
    })),
    serverTime: new Date().toISOString(),
  };
  return new Response(JSON.stringify(reply), { status: 200 });
};

async function queueSales(count: number) {
  for (let i = 0; i < count; i++) {
    const out = await charge(
      db,
      {
        kind: 'sale',
        tender: 'cash',
        nitetapId: null,
        lines: [{ itemId: 'x', qty: 1, unitNc: 100, unitChf: 100 }],
      },
      { staffId: 's', now: new Date(), newId: () => crypto.randomUUID() },
    );
    if (!out.ok) throw new Error('sale refused');
  }
}

function engine(now = () => Date.now()) {
  return createSyncEngine({
    db,
    api: createApi('/api', fakeFetch),
    batchSize: 3,
    pushIntervalMs: 60_000,
    pullIntervalMs: 60_000,
    now,
    random: () => 1,
  });
}

beforeEach(async () => {
  requests.length = 0;
  db = await openEnrolledTill('engine-test');
});
afterEach(async () => {
  vi.useRealTimers();
  await db.delete();
});

describe('sync engine with a scripted server on a fake IndexedDB', () => {
  test('drains the queue oldest seq first in batches and empties it', async () => {
    script = applied;
    await queueSales(7);
    const sync = engine();
    await sync.drain();
    expect(requests.map((r) => r.ops.map((o) => o.envelope.seq))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
    expect(await db.queue.count()).toBe(0);
    expect(sync.status()).toMatchObject({ online: true, lastError: null });
  });

  test('a rejected op leaves the queue for the attention list; a held op just leaves', async () => {
    await queueSales(2);
    script = (body) =>
      new Response(
        JSON.stringify({
          results: body.ops.map((op, i) => ({
            id: op.envelope.id,
            status: i === 0 ? 'held' : 'rejected',
            duplicate: false,
            reason: i === 0 ? 'insufficient_funds' : 'bad_signature',
            balanceNc: null,
            xp: null,
            level: null,
          })),
          serverTime: new Date().toISOString(),
        }),
      );
    await engine().drain();
    expect(await db.queue.count()).toBe(0);
    expect((await db.attention.toArray()).map((a) => a.reason)).toEqual(['bad_signature']);
  });

  test('a 503 with Retry-After keeps the ops and waits as the server asked, then sends the same ids', async () => {
    await queueSales(2);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"busy"}}', {
        status: 503,
        headers: { 'retry-after': '7' },
      });
    const t0 = 1_000_000;
    const sync = engine(() => t0);
    await sync.drain();
    expect(await db.queue.count()).toBe(2);
    expect(sync.status().nextRetryAt).toBe(t0 + 7000);
    expect(sync.status().lastError).toContain('busy');
    script = applied;
    const firstIds = requests[0]?.ops.map((o) => o.envelope.id);
    await sync.drain();
    expect(requests[1]?.ops.map((o) => o.envelope.id)).toEqual(firstIds);
    expect(await db.queue.count()).toBe(0);
    sync.stop();
  });

  test('a dead network marks the till offline and backs off exponentially', async () => {
    await queueSales(1);
    script = () => new TypeError('Failed to fetch');
    const t0 = 5_000_000;
    const sync = engine(() => t0);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await sync.drain();
      delays.push((sync.status().nextRetryAt ?? 0) - t0);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(sync.status().online).toBe(false);
    expect(await db.queue.count()).toBe(1);
    sync.stop();
  });

  test('a 401 tells staff the till must be re-enrolled and keeps every op', async () => {
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unauthorized","message":"unknown device token"}}', {
        status: 401,
      });
    const sync = engine();
    await sync.drain();
    expect(sync.status().lastError).toMatch(/re-enroll/);
    expect(await db.queue.count()).toBe(1);
    sync.stop();
  });
});
