import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, expect, test } from 'vitest';
import { openTillDb } from './database.ts';

const db = openTillDb('durability-test');
afterEach(() => db.delete());

test('asks for strict durability on every transaction, as a sale told "Paid" must survive a power cut (fake IndexedDB: the option asked for, not the disk)', async () => {
  const durability = await db.transaction('rw', db.meta, async () => {
    await db.meta.put({ key: 'k', value: 1 });
    return Dexie.currentTransaction?.idbtrans.durability;
  });
  expect(durability).toBe('strict');
});
