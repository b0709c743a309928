import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, expect, test } from 'vitest';
import { openTillDb } from './database.ts';

const db = openTillDb('durability-test');
afterEach(() => db.delete());

test('commits every transaction with strict durability, so a sale told "Paid" survives a power cut', async () => {
  const durability = await db.transaction('rw', db.meta, async () => {
    await db.meta.put({ key: 'k', value: 1 });
    return Dexie.currentTransaction?.idbtrans.durability;
  });
  expect(durability).toBe('strict');
});
