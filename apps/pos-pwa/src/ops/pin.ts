import { fromBase64Url } from '@niteos/ledger-core';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { config } from '../config.ts';
import { getMeta, type StaffCredential, setMeta, type TillDb } from '../db/database.ts';

const encoder = new TextEncoder();

/** Checks a PIN against the server's `scrypt$N$r$p$salt$hash` without the network. */
export async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const saltBytes = salt ? fromBase64Url(salt) : null;
  const expected = hash ? fromBase64Url(hash) : null;
  if (scheme !== 'scrypt' || !saltBytes || !expected) return false;
  const key = await scryptAsync(encoder.encode(pin), saltBytes, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    dkLen: expected.length,
  });
  let diff = 0;
  for (let i = 0; i < key.length; i++) diff |= (key[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}

interface PinLock {
  failures: number;
  lockedUntil: number;
  /** Lockouts in a row since the last right PIN (absent on locks from before it was counted). */
  lockouts?: number;
}

export type PinOutcome =
  | { ok: true; staff: StaffCredential }
  | { ok: false; reason: 'wrong_pin' | 'locked'; retryAt?: number; left?: number };

/**
 * Signs a staff member in with their PIN, offline. After repeated wrong PINs
 * the till locks for a while, longer each time until a right PIN; the count
 * survives a reload.
 */
export async function signInWithPin(
  db: TillDb,
  staffId: string,
  pin: string,
  now = Date.now(),
): Promise<PinOutcome> {
  // The attempt counts as wrong until the slow hash says otherwise, written
  // in the transaction that read the count: attempts made at once (another
  // tab) each see the ones before them.
  const counted = await db.transaction('rw', db.meta, async (): Promise<PinOutcome | PinLock> => {
    const lock = (await getMeta<PinLock>(db, 'pinLock')) ?? { failures: 0, lockedUntil: 0 };
    // Capped: a clock set back must not stretch a lock beyond the longest one.
    const lockedUntil = Math.min(lock.lockedUntil, now + config.pinLockoutMaxMs);
    if (lockedUntil > now) return { ok: false, reason: 'locked', retryAt: lockedUntil };
    const failures = lock.failures + 1;
    const lockouts = lock.lockouts ?? 0;
    const next =
      failures < config.pinMaxFailures
        ? { failures, lockedUntil: 0, lockouts }
        : {
            failures: 0,
            lockedUntil:
              now + Math.min(config.pinLockoutMaxMs, config.pinLockoutMs * 2 ** lockouts),
            lockouts: lockouts + 1,
          };
    await setMeta(db, 'pinLock', next);
    return next;
  });
  if ('ok' in counted) return counted;
  const staff = await db.staff.get(staffId);
  if (staff && (await pinMatches(pin, staff.pinHash))) {
    await setMeta(db, 'pinLock', { failures: 0, lockedUntil: 0, lockouts: 0 } satisfies PinLock);
    return { ok: true, staff };
  }
  return counted.lockedUntil > 0
    ? { ok: false, reason: 'locked', retryAt: counted.lockedUntil }
    : { ok: false, reason: 'wrong_pin', left: config.pinMaxFailures - counted.failures };
}
