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
  const lock = (await getMeta<PinLock>(db, 'pinLock')) ?? { failures: 0, lockedUntil: 0 };
  if (lock.lockedUntil > now) return { ok: false, reason: 'locked', retryAt: lock.lockedUntil };
  const staff = await db.staff.get(staffId);
  if (staff && (await pinMatches(pin, staff.pinHash))) {
    await setMeta(db, 'pinLock', { failures: 0, lockedUntil: 0, lockouts: 0 });
    return { ok: true, staff };
  }
  const failures = lock.failures + 1;
  const lockouts = lock.lockouts ?? 0;
  if (failures < config.pinMaxFailures) {
    await setMeta(db, 'pinLock', { failures, lockedUntil: 0, lockouts });
    return { ok: false, reason: 'wrong_pin', left: config.pinMaxFailures - failures };
  }
  const lockedFor = Math.min(config.pinLockoutMaxMs, config.pinLockoutMs * 2 ** lockouts);
  await setMeta(db, 'pinLock', {
    failures: 0,
    lockedUntil: now + lockedFor,
    lockouts: lockouts + 1,
  });
  return { ok: false, reason: 'locked', retryAt: now + lockedFor };
}
