import 'fake-indexeddb/auto';
import { toBase64Url } from '@niteos/ledger-core';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { config } from '../config.ts';
import { openTillDb, type TillDb } from '../db/database.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';
import { signInWithPin } from './pin.ts';

const PIN = '4821';
let db: TillDb;

/** A PIN hash as the server writes it (`scrypt$N$r$p$salt$hash`), at a cost tests can afford. */
async function pinHash(pin: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await scryptAsync(new TextEncoder().encode(pin), salt, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${toBase64Url(salt)}$${toBase64Url(key)}`;
}

beforeEach(async () => {
  db = await openEnrolledTill('pin-test');
  await db.staff.put({ staffId: 's1', name: 'Sam', role: 'staff', pinHash: await pinHash(PIN) });
});
afterEach(() => db.delete());

/** Wrong PINs until the till locks, at till-clock `now`; returns when it unlocks. */
async function lockOut(now: number): Promise<number> {
  for (let i = 1; i < config.pinMaxFailures; i++) {
    expect(await signInWithPin(db, 's1', '0000', now)).toMatchObject({ reason: 'wrong_pin' });
  }
  const locked = await signInWithPin(db, 's1', '0000', now);
  expect(locked).toMatchObject({ ok: false, reason: 'locked' });
  return (locked as { retryAt: number }).retryAt;
}

describe('staff PIN sign-in on a fake IndexedDB', () => {
  test('the right PIN signs in; a wrong one says how many tries are left', async () => {
    expect(await signInWithPin(db, 's1', '0000', 0)).toEqual({
      ok: false,
      reason: 'wrong_pin',
      left: config.pinMaxFailures - 1,
    });
    expect(await signInWithPin(db, 's1', PIN, 0)).toMatchObject({
      ok: true,
      staff: { name: 'Sam' },
    });
  });

  test('too many wrong PINs lock the till, even against the right PIN, across a reload', async () => {
    const until = await lockOut(1_000);
    expect(until).toBe(1_000 + config.pinLockoutMs);
    db.close();
    db = openTillDb(db.name);
    await db.open();
    expect(await signInWithPin(db, 's1', PIN, until - 1)).toMatchObject({ reason: 'locked' });
    expect(await signInWithPin(db, 's1', PIN, until)).toMatchObject({ ok: true });
  });

  test('wrong PINs tried at once (another tab) each count', async () => {
    const attempts = Array.from({ length: config.pinMaxFailures }, () =>
      signInWithPin(db, 's1', '0000', 0),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'locked')).toHaveLength(1);
    expect(await signInWithPin(db, 's1', PIN, 1)).toMatchObject({ reason: 'locked' });
  });

  test('a clock set back does not stretch a lock beyond the longest one', async () => {
    await lockOut(Date.UTC(2026, 10, 24));
    const monthEarlier = Date.UTC(2026, 9, 24);
    const locked = await signInWithPin(db, 's1', PIN, monthEarlier);
    expect(locked).toEqual({
      ok: false,
      reason: 'locked',
      retryAt: monthEarlier + config.pinLockoutMaxMs,
    });
    // The shorter lock is kept: once it is over, the right PIN works.
    expect(await signInWithPin(db, 's1', PIN, monthEarlier + config.pinLockoutMaxMs)).toMatchObject(
      { ok: true },
    );
  });

  test("a colleague guessing a manager's PIN between sign-ins of their own locks the manager's name, not the till", async () => {
    await db.staff.put({
      staffId: 'm1',
      name: 'Mia',
      role: 'venue_admin',
      pinHash: await pinHash('7395'),
    });
    let now = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 1; i < config.pinMaxFailures; i++) {
        await signInWithPin(db, 'm1', `000${i}`, now);
      }
      expect(await signInWithPin(db, 's1', PIN, now)).toMatchObject({ ok: true });
      now += 1_000;
    }
    expect(await signInWithPin(db, 'm1', '7395', now)).toMatchObject({ reason: 'locked' });
    expect(await signInWithPin(db, 's1', PIN, now)).toMatchObject({ ok: true });
  });

  test('each lockout in a row lasts twice the one before, up to the max; a right PIN starts over', async () => {
    let now = 0;
    const lengths: number[] = [];
    for (let i = 0; i < 7; i++) {
      const until = await lockOut(now);
      lengths.push(until - now);
      now = until;
    }
    const first = config.pinLockoutMs;
    expect(lengths).toEqual(
      [first, 2 * first, 4 * first, 8 * first, 16 * first, 32 * first, 64 * first].map((ms) =>
        Math.min(ms, config.pinLockoutMaxMs),
      ),
    );
    expect(lengths.at(-1)).toBe(config.pinLockoutMaxMs);

    expect(await signInWithPin(db, 's1', PIN, now)).toMatchObject({ ok: true });
    expect((await lockOut(now)) - now).toBe(first);
  });
});
