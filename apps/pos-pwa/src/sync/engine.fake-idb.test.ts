import 'fake-indexeddb/auto';
import type { PullResponse, PushResponse } from '@niteos/schema/wire';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { getMeta, LAST_PULL_AT, LAST_SYNC_AT, setMeta, type TillDb } from '../db/database.ts';
import { charge } from '../ops/charge.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { pullReply } from '../test-support/pull-reply.ts';
import { createApi } from './api.ts';
import { createSyncEngine } from './engine.ts';

// IndexedDB is fake-indexeddb and the server a scripted fetch, so failures
// (503 + Retry-After, 401, a dead network) can be produced on cue. The real
// server and browser are exercised by the Chromium end-to-end suite.
let db: TillDb;
const HISTORY_KEEP_MS = 30 * 86_400_000;
type Script = (body: {
  tillId: string;
  ops: { envelope: { id: string; seq: number } }[];
}) => Response | Error | 'no answer';
let script: Script;
const requests: { ops: { envelope: { id: string; seq: number } }[] }[] = [];

/** Pulls answered in turn before the empty default, and the URLs pulled. */
const pullPages: PullResponse[] = [];
const pulled: string[] = [];
/** When set, every pull gets this answer instead of `pullPages`. */
let pullAnswer: (() => Response | Error) | null = null;

/** The answer to a wallet look-up, and the URLs looked up. */
let lookupAnswer: () => Response | Error = () => new Response('{}', { status: 404 });
const lookedUp: string[] = [];

/** Pushes go to `script`; pulls get `pullPages` in turn, then an empty catalog. */
const fakeFetch: typeof fetch = async (url, init) => {
  if (String(url).includes('/sync/wallets/')) {
    lookedUp.push(String(url));
    const out = lookupAnswer();
    if (out instanceof Error) throw out;
    return out;
  }
  if (String(url).includes('/sync/pull')) {
    pulled.push(String(url));
    const out = pullAnswer?.() ?? new Response(JSON.stringify(pullPages.shift() ?? pullReply()));
    if (out instanceof Error) throw out;
    return out;
  }
  const body = JSON.parse(String(init?.body ?? '{}'));
  requests.push(body);
  const out = script(body);
  if (out instanceof Error) throw out;
  // A request the network swallowed: it ends only when the caller gives up, as fetch does.
  if (out === 'no answer') {
    return new Promise<Response>((_, reject) =>
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
    );
  }
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

function engine(
  now = () => Date.now(),
  { batchSize = 3, timeoutMs = 5_000, historyKeepLast = 0 } = {},
) {
  return createSyncEngine({
    db,
    api: createApi('/api', { fetch: fakeFetch, timeoutMs }),
    batchSize,
    pushIntervalMs: 60_000,
    pullIntervalMs: 60_000,
    historyKeepMs: HISTORY_KEEP_MS,
    historyKeepLast,
    now,
    random: () => 1,
  });
}

beforeEach(async () => {
  requests.length = 0;
  lookedUp.length = 0;
  pullPages.length = 0;
  pulled.length = 0;
  pullAnswer = null;
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

  test('a dead network marks the till offline, says so in plain words, and backs off exponentially', async () => {
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
    // The browser's words go to the detail, for a tooltip: staff read what it means for them.
    expect(sync.status()).toMatchObject({
      online: false,
      lastError: 'No connection: sales are kept and synced when it is back.',
      lastErrorDetail: 'sync: Failed to fetch',
    });
    expect(await db.queue.count()).toBe(1);
    sync.stop();
  });

  test("this device's storage failing is not 'offline': it says so, keeps every op, and clears once a push goes through", async () => {
    await queueSales(1);
    script = applied;
    // The disk fills up as the server's answer is being stored.
    const full = vi
      .spyOn(db.queue, 'bulkDelete')
      .mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const sync = engine();
    await sync.drain();
    expect(sync.status()).toMatchObject({ online: true, localFailure: true });
    expect(sync.status().lastError).toMatch(
      /^sync: this till could not store the server's answer \(QuotaExceededError\)/,
    );
    expect(await db.queue.count()).toBe(1);

    full.mockRestore();
    await sync.drain();
    expect(sync.status()).toMatchObject({ online: true, localFailure: false, lastError: null });
    expect(await db.queue.count()).toBe(0);
    sync.stop();
  });

  test('a wallet looked up is kept as a snapshot unless a newer one is here; unknown, blocked and failures each say so', async () => {
    const sync = engine();
    const snapshot = (balanceNc: number, asOf: string) =>
      new Response(JSON.stringify({ nitetapId: 'ab12cd34', balanceNc, xp: 0, level: 1, asOf }), {
        status: 200,
      });
    lookupAnswer = () => snapshot(20_000, '2026-11-23T22:00:00.000Z');
    expect(await sync.lookupWallet('ab12cd34')).toBe('found');
    expect(lookedUp).toEqual(['/api/sync/wallets/ab12cd34']);
    // Marked as looked up: no pull keeps it current, so the till asks again before using it.
    expect(await db.wallets.get('ab12cd34')).toEqual({
      nitetapId: 'ab12cd34',
      balanceNc: 20_000,
      asOf: '2026-11-23T22:00:00.000Z',
      lookedUpAt: expect.any(Number),
    });
    // An older answer (out of order) does not overwrite a newer one.
    lookupAnswer = () => snapshot(99_999, '2026-11-23T21:00:00.000Z');
    expect(await sync.lookupWallet('ab12cd34')).toBe('found');
    expect((await db.wallets.get('ab12cd34'))?.balanceNc).toBe(20_000);
    // Once pulls send it (a sale here made it the venue's), it is theirs to keep current.
    pullPages.push(
      pullReply({
        wallets: [
          {
            nitetapId: 'ab12cd34',
            balanceNc: 19_000,
            xp: 0,
            level: 1,
            asOf: '2026-11-23T22:30:00.000Z',
          },
        ],
      }),
    );
    await sync.pull();
    expect(await db.wallets.get('ab12cd34')).toEqual({
      nitetapId: 'ab12cd34',
      balanceNc: 19_000,
      asOf: '2026-11-23T22:30:00.000Z',
    });

    lookupAnswer = () =>
      new Response('{"error":{"code":"not_found","message":"wallet"}}', { status: 404 });
    expect(await sync.lookupWallet('ee00ee00')).toBe('unknown');
    expect(await db.wallets.get('ee00ee00')).toBeUndefined();
    lookupAnswer = () =>
      new Response('{"error":{"code":"conflict","message":"blocked"}}', { status: 409 });
    expect(await sync.lookupWallet('bb00bb00')).toBe('blocked');
    expect(await db.blocked.get('bb00bb00')).toEqual({ nitetapId: 'bb00bb00' });
    lookupAnswer = () => new TypeError('Failed to fetch');
    expect(await sync.lookupWallet('ff00ff00')).toBe('failed');
    expect(sync.status().lastError).toBeNull();
    sync.stop();
  });

  test('a 401 tells staff the till must be re-enrolled and keeps every op until it is', async () => {
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unauthorized","message":"unknown device token"}}', {
        status: 401,
      });
    const sync = engine();
    await sync.drain();
    expect(sync.status()).toMatchObject({ unknownTill: true, online: true });
    expect(sync.status().lastError).toMatch(/re-enroll/);
    expect(await db.queue.count()).toBe(1);
    // Re-enrolled: the server takes the till's token again.
    script = applied;
    await sync.drain();
    expect(sync.status()).toMatchObject({ unknownTill: false, lastError: null });
    expect(await db.queue.count()).toBe(0);
    sync.stop();
  });

  test('a push the network never answers times out, keeps its ops, says so, and the next push goes through', async () => {
    await queueSales(2);
    script = () => 'no answer';
    const t0 = 2_000_000;
    const sync = engine(() => t0, { timeoutMs: 50 });
    await sync.drain();
    expect(await db.queue.count()).toBe(2);
    expect(sync.status()).toMatchObject({
      online: false,
      syncing: false,
      lastError: 'The server is not answering: sales are kept and synced when it does.',
      lastErrorDetail: 'sync: no answer from the server in 0.05 s',
      nextRetryAt: t0 + 1000,
    });
    script = applied;
    await sync.drain();
    expect(await db.queue.count()).toBe(0);
    expect(sync.status().lastError).toBeNull();
    sync.stop();
  });

  test('a 413 sends the batch again in halves, growing back after; an op too large alone goes to the attention list', async () => {
    await queueSales(7);
    const tooLarge = new Response('{"error":{"code":"payload_too_large","message":"too big"}}', {
      status: 413,
    });
    // The server takes at most 2 of these ops at once, and op 5 not even alone.
    script = (body) =>
      body.ops.length > 2 || body.ops.some((o) => o.envelope.seq === 5)
        ? tooLarge.clone()
        : applied(body);
    const sync = engine(undefined, { batchSize: 4 });
    await sync.drain();
    expect(requests.map((r) => r.ops.map((o) => o.envelope.seq))).toEqual([
      [1, 2, 3, 4],
      [1, 2],
      // Each batch that went through lets the next one grow again.
      [3, 4, 5, 6],
      [3, 4],
      [5, 6, 7],
      [5],
      // After the op that never fits, full batches again.
      [6, 7],
    ]);
    expect(await db.queue.count()).toBe(0);
    const [refused] = await db.attention.toArray();
    expect(refused).toMatchObject({ reason: 'too_large', envelope: { seq: 5 } });
    expect(await db.history.get(refused?.id ?? '')).toMatchObject({
      status: 'rejected',
      reason: 'too_large',
    });
    expect(sync.status()).toMatchObject({ lastError: null, nextRetryAt: null });
  });

  test('a pull the server says has more pages goes on from each page’s cursor', async () => {
    const wallet = (nitetapId: string) => ({
      nitetapId,
      balanceNc: 500,
      xp: 0,
      level: 1,
      asOf: '2026-11-23T22:30:00.000Z',
    });
    pullPages.push(
      { ...pullReply(), cursor: 'page-1', more: true, wallets: [wallet('aaaaaaaa01')] },
      { ...pullReply(), cursor: 'page-2', more: false, wallets: [wallet('aaaaaaaa02')] },
    );
    const sync = engine();
    expect(await sync.pull()).toBe(true);
    sync.stop();
    expect(pulled).toHaveLength(2);
    expect(pulled[1]).toContain('cursor=page-1');
    expect((await db.wallets.toArray()).map((w) => w.nitetapId).sort()).toEqual([
      'aaaaaaaa01',
      'aaaaaaaa02',
    ]);
    expect(await getMeta(db, 'cursor')).toBe('page-2');
  });

  test('pull says whether it went through: not when the server refuses, nor with no till enrolled', async () => {
    const sync = engine();
    pullAnswer = () => new Response('{}', { status: 500 });
    expect(await sync.pull()).toBe(false);
    expect(pulled).toHaveLength(1);
    pullAnswer = null;
    await db.device.delete('device');
    expect(await sync.pull()).toBe(false);
    expect(pulled).toHaveLength(1);
    sync.stop();
  });

  test('after a failed push the next drain pulls before it pushes, so ops a restored server lost go first', async () => {
    await queueSales(2);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"restoring"}}', { status: 503 });
    const sync = engine();
    await sync.drain();
    expect(pulled).toHaveLength(0);

    const pullsBeforePush: number[] = [];
    script = (body) => {
      pullsBeforePush.push(pulled.length);
      return applied(body);
    };
    await sync.drain();
    await queueSales(1);
    await sync.drain();
    sync.stop();
    // One pull, before the first push after the failure; none before the next.
    expect(pullsBeforePush).toEqual([1, 1]);
  });

  test('while the pull before a push fails, the queue waits and the drain is retried', async () => {
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"down"}}', { status: 503 });
    const sync = engine();
    await sync.drain();
    expect(requests).toHaveLength(1);
    pullAnswer = () =>
      new Response('{"error":{"code":"unavailable","message":"restoring"}}', { status: 503 });
    script = applied;
    await sync.drain();
    // The pull failed: no push went, and a retry is due.
    expect(pulled).toHaveLength(1);
    expect(requests).toHaveLength(1);
    expect(sync.status().nextRetryAt).not.toBeNull();
    pullAnswer = null;
    await sync.drain();
    sync.stop();
    expect(pulled).toHaveLength(2);
    expect(requests).toHaveLength(2);
    expect(await db.queue.count()).toBe(0);
  });

  test('pulls that keep failing hold the queue back for three drains, then no more until one succeeds', async () => {
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"down"}}', { status: 503 });
    const sync = engine();
    await sync.drain();
    pullAnswer = () => new Response('{}', { status: 504 });
    script = applied;
    await sync.drain();
    await sync.drain();
    expect(requests).toHaveLength(1);
    await sync.drain();
    expect(pulled).toHaveLength(3);
    expect(requests).toHaveLength(2);
    expect(await db.queue.count()).toBe(0);
    // Until a pull goes through, the next sale is pushed without another failing pull first.
    await queueSales(1);
    await sync.drain();
    expect(pulled).toHaveLength(3);
    expect(requests).toHaveLength(3);
    pullAnswer = null;
    expect(await sync.pull()).toBe(true);
    sync.stop();
  });

  test("pushes that go through while pulls fail leave the pull's error and its last time showing", async () => {
    let t = 10_000;
    const sync = engine(() => t);
    expect(await sync.pull()).toBe(true);
    expect(await getMeta(db, LAST_PULL_AT)).toBe(10_000);

    t = 20_000;
    pullAnswer = () => new Response('{}', { status: 504 });
    expect(await sync.pull()).toBe(false);
    // After three failed pulls the queue goes without them: the sale is pushed.
    await queueSales(1);
    script = applied;
    for (let i = 0; i < 3; i++) await sync.drain();
    expect(await db.queue.count()).toBe(0);
    expect(sync.status().lastError).toMatch(/^refresh: /);
    expect(await getMeta(db, LAST_SYNC_AT)).toBe(20_000);
    expect(await getMeta(db, LAST_PULL_AT)).toBe(10_000);

    t = 30_000;
    pullAnswer = null;
    expect(await sync.pull()).toBe(true);
    sync.stop();
    expect(sync.status().lastError).toBeNull();
    expect(await getMeta(db, LAST_PULL_AT)).toBe(30_000);
  });

  test('a pull that cannot reach the server says what goes stale, not that sales wait', async () => {
    const sync = engine(() => 10_000);
    pullAnswer = () => new TypeError('Failed to fetch');
    expect(await sync.pull()).toBe(false);
    expect(sync.status()).toMatchObject({
      lastError:
        'No connection: sales are kept; staff, prices and balances update when it is back.',
      lastErrorDetail: 'refresh: Failed to fetch',
    });
    sync.stop();
  });

  test('a pull that stops with pages still to come does not count as the last whole pull', async () => {
    for (let page = 1; page <= 20; page++)
      pullPages.push(pullReply({ cursor: `page-${page}`, more: true }));
    const sync = engine(() => 50_000);
    expect(await sync.pull()).toBe(true);
    expect(pulled).toHaveLength(20);
    expect(await getMeta(db, LAST_PULL_AT)).toBeUndefined();
    expect(await sync.pull()).toBe(true);
    sync.stop();
    expect(await getMeta(db, LAST_PULL_AT)).toBe(50_000);
  });

  test('a reply that settles none of the ops sent is a failure with a backoff, not a resend loop', async () => {
    await queueSales(2);
    script = (): Response =>
      new Response(JSON.stringify({ results: [], serverTime: new Date().toISOString() }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    const sync = engine();
    await sync.drain();
    sync.stop();
    expect(requests).toHaveLength(1);
    expect(await db.queue.count()).toBe(2);
    expect(sync.status().nextRetryAt).not.toBeNull();
    expect(sync.status().lastError).toContain('without any of the ops sent');
  });

  test('a cursor the server refuses (400) is dropped: the next pull starts over', async () => {
    await setMeta(db, 'cursor', 'from-an-older-release');
    const sync = engine();
    pullAnswer = () =>
      new Response(
        '{"error":{"code":"bad_request","message":"cursor is not one this server issued"}}',
        {
          status: 400,
        },
      );
    expect(await sync.pull()).toBe(false);
    pullAnswer = null;
    expect(await sync.pull()).toBe(true);
    sync.stop();
    expect(pulled[0]).toContain('cursor=from-an-older-release');
    expect(pulled[1]).not.toContain('cursor=from');
  });

  test('two pulls asked at once make one request', async () => {
    const sync = engine();
    const [one, two] = await Promise.all([sync.pull(), sync.pull()]);
    sync.stop();
    expect([one, two]).toEqual([true, true]);
    expect(pulled).toHaveLength(1);
  });

  test('a pull the server refuses (a revoked till) does not make every push pull first', async () => {
    pullAnswer = () =>
      new Response('{"error":{"code":"forbidden","message":"this till has been revoked"}}', {
        status: 403,
      });
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"down"}}', { status: 503 });
    const sync = engine();
    await sync.drain();
    // The server is back and this till has been revoked meanwhile.
    script = applied;
    await sync.drain();
    await queueSales(1);
    await sync.drain();
    sync.stop();
    // One refused pull after the failure; the pushes that follow go alone.
    expect(pulled).toHaveLength(1);
    expect(requests).toHaveLength(3);
  });

  test('a pull forgets the ops older than the kept age that have left the queue, never a queued one', async () => {
    await queueSales(3);
    script = applied;
    const today = engine();
    await today.drain();
    await queueSales(1);
    expect(await today.pull()).toBe(true);
    today.stop();
    expect(await db.history.count()).toBe(4);

    const monthLater = engine(() => Date.now() + HISTORY_KEEP_MS + 60_000);
    expect(await monthLater.pull()).toBe(true);
    monthLater.stop();
    const kept = await db.history.toArray();
    expect(kept.map((row) => [row.seq, row.status])).toEqual([[4, 'queued']]);
  });

  test('a clock jumping a month ahead still leaves the newest ops in history', async () => {
    await queueSales(4);
    script = applied;
    const jumped = engine(() => Date.now() + HISTORY_KEEP_MS + 60_000, { historyKeepLast: 2 });
    await jumped.drain();
    expect(await jumped.pull()).toBe(true);
    jumped.stop();
    expect((await db.history.orderBy('seq').toArray()).map((row) => row.seq)).toEqual([3, 4]);
  });

  test('the last sync is the last exchange the server answered, push or pull, kept in IndexedDB', async () => {
    let t = 10_000;
    const sync = engine(() => t);
    expect(await sync.pull()).toBe(true);
    expect(await getMeta(db, LAST_SYNC_AT)).toBe(10_000);

    t = 20_000;
    await sync.drain(); // nothing queued: no exchange
    expect(await getMeta(db, LAST_SYNC_AT)).toBe(10_000);

    await queueSales(1);
    script = applied;
    await sync.drain();
    expect(await getMeta(db, LAST_SYNC_AT)).toBe(20_000);

    t = 30_000;
    await queueSales(1);
    script = () =>
      new Response('{"error":{"code":"unavailable","message":"busy"}}', { status: 503 });
    await sync.drain();
    sync.stop();

    db.close();
    await db.open();
    expect(await getMeta(db, LAST_SYNC_AT)).toBe(20_000);
  });

  /**
   * An NC sale of 7.00 on `tag` sits in the queue, and a pull answered before
   * the lost push committed it stored `balanceNc` (the wallet without the
   * sale). The push sent again gets the sale back as a duplicate; the next
   * pull brings the wallet with it. Drains, and returns the sale.
   */
  async function duplicateAfterEarlyPull(tag: string, balanceNc: number) {
    const sale = await charge(
      db,
      {
        kind: 'sale',
        tender: 'nc',
        nitetapId: tag,
        lines: [{ itemId: 'beer', qty: 1, unitNc: 700, unitChf: 700 }],
      },
      { staffId: 's', now: new Date(), newId: () => crypto.randomUUID() },
    );
    if (!sale.ok) throw new Error(`sale refused: ${sale.reason}`);
    await db.wallets.put({ nitetapId: tag, balanceNc, asOf: '2026-11-23T22:00:00.000Z' });
    const after = { balanceNc: balanceNc - 700, xp: 7, level: 1 };
    script = (body) =>
      new Response(
        JSON.stringify({
          results: body.ops.map((op) => ({
            id: op.envelope.id,
            status: 'applied',
            duplicate: true,
            reason: null,
            ...after,
          })),
          serverTime: '2026-11-23T22:00:30.000Z',
        }),
      );
    pullPages.push(
      pullReply({
        wallets: [{ nitetapId: tag, ...after, asOf: '2026-11-23T22:00:31.000Z' }],
      }),
    );
    await engine().drain();
    return sale.op;
  }

  test("a duplicate's balance older than the till's snapshot makes the till pull again, so the snapshot counts the op", async () => {
    const tag = 'aabbccdd';
    await db.wallets.put({ nitetapId: tag, balanceNc: 10_000, asOf: '2026-11-23T21:00:00.000Z' });
    await duplicateAfterEarlyPull(tag, 10_000);
    expect(await db.queue.count()).toBe(0);
    expect(pulled).toHaveLength(1);
    expect(await db.wallets.get(tag)).toMatchObject({ balanceNc: 9_300 });
  });

  test('a duplicate of an op signed with no snapshot makes the till pull again too', async () => {
    const tag = 'aabbccee';
    const sale = await duplicateAfterEarlyPull(tag, 5_000);
    expect(sale.envelope.basis.asOf).toBeNull();
    expect(pulled).toHaveLength(1);
    expect(await db.wallets.get(tag)).toMatchObject({ balanceNc: 4_300 });
  });

  test('a fresh result makes no extra pull', async () => {
    script = applied;
    await queueSales(2);
    await engine().drain();
    expect(pulled).toEqual([]);
  });
});
