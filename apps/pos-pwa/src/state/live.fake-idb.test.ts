import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { openTillDb, type TillDb } from '../db/database.ts';

// Node resolves solid-js to its server build, which has no reactivity: use
// the browser build the till runs on.
// @ts-expect-error solid-js types only its entry points; this file is the browser one.
vi.mock('solid-js', () => import('solid-js/dist/solid.js'));
const { createRoot, createSignal } = await import('solid-js');
const { createLiveQueryOf } = await import('./live.ts');

let db: TillDb;
beforeEach(() => {
  db = openTillDb(`live-test-${crypto.randomUUID()}`);
});
afterEach(() => db.delete());

describe('a live query with a Solid input, on a fake IndexedDB', () => {
  test('follows both its input signal and writes to IndexedDB', async () => {
    await db.wallets.bulkPut([
      { nitetapId: 'aabbccdd', balanceNc: 500, asOf: '2026-11-23T21:00:00.000Z' },
      { nitetapId: '11223344', balanceNc: 900, asOf: '2026-11-23T21:00:00.000Z' },
    ]);
    await createRoot(async (dispose) => {
      // Starts empty, as a screen's guest field does.
      const [tag, setTag] = createSignal('');
      const balance = createLiveQueryOf(
        tag,
        async (t) => (t ? ((await db.wallets.get(t))?.balanceNc ?? null) : null),
        null as number | null,
      );
      await expect.poll(balance).toBeNull();
      setTag('aabbccdd');
      await expect.poll(balance).toBe(500);
      await db.wallets.update('aabbccdd', { balanceNc: 300 });
      await expect.poll(balance).toBe(300);
      setTag('11223344');
      await expect.poll(balance).toBe(900);
      // The old input's query is gone: writes to it no longer reach the signal.
      await db.wallets.update('aabbccdd', { balanceNc: 100 });
      await new Promise((r) => setTimeout(r, 50));
      expect(balance()).toBe(900);
      await db.wallets.update('11223344', { balanceNc: 800 });
      await expect.poll(balance).toBe(800);
      dispose();
    });
  });
});
