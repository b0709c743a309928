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

const OPEN: PinLock = { failures: 0, lockedUntil: 0, lockouts: 0 };

export type PinOutcome =
  | { ok: true; staff: StaffCredential }
  | { ok: false; reason: 'wrong_pin' | 'locked'; retryAt?: number; left?: number };

/**
 * Two counts of wrong PINs, each locking after `pinMaxFailures`: the
 * till's, which any right PIN clears (it stops a stranger trying every
 * name), and the staff member's, which only their own right PIN clears (it
 * stops a colleague who guesses a manager's PIN between sign-ins of their
 * own).
 */
const LOCKS = (staffId: string) => ['pinLock', `pinLock:${staffId}`];

/** One more wrong PIN on `lock` at `now`; locks, longer each time in a row, at the limit. */
function counted(lock: PinLock, now: number): PinLock {
  const failures = lock.failures + 1;
  const lockouts = lock.lockouts ?? 0;
  if (failures < config.pinMaxFailures) return { failures, lockedUntil: 0, lockouts };
  const lockedFor = Math.min(config.pinLockoutMaxMs, config.pinLockoutMs * 2 ** lockouts);
  return { failures: 0, lockedUntil: now + lockedFor, lockouts: lockouts + 1 };
}

/**
 * Signs a staff member in with their PIN, offline. After repeated wrong PINs
 * the till (or that member's name) locks for a while, longer each time until
 * a right PIN; the counts survive a reload.
 */
export async function signInWithPin(
  db: TillDb,
  staffId: string,
  pin: string,
  now = Date.now(),
): Promise<PinOutcome> {
  const keys = LOCKS(staffId);
  // The attempt counts as wrong until the slow hash says otherwise, written
  // in the transaction that read the counts: attempts made at once (another
  // tab) each see the ones before them.
  const locks = await db.transaction('rw', db.meta, async () => {
    const read = await Promise.all(keys.map((k) => getMeta<PinLock>(db, k)));
    // A clock set back must not leave a lock longer than the longest one.
    const current = read.map((lock) => {
      const l = lock ?? OPEN;
      return { ...l, lockedUntil: Math.min(l.lockedUntil, now + config.pinLockoutMaxMs) };
    });
    const lockedUntil = Math.max(...current.map((l) => l.lockedUntil));
    const next = lockedUntil > now ? current : current.map((l) => counted(l, now));
    await Promise.all(keys.map((k, i) => setMeta(db, k, next[i])));
    return { next, lockedUntil };
  });
  if (locks.lockedUntil > now) return { ok: false, reason: 'locked', retryAt: locks.lockedUntil };
  const staff = await db.staff.get(staffId);
  if (staff && (await pinMatches(pin, staff.pinHash))) {
    await db.transaction('rw', db.meta, () => Promise.all(keys.map((k) => setMeta(db, k, OPEN))));
    return { ok: true, staff };
  }
  const retryAt = Math.max(...locks.next.map((l) => l.lockedUntil));
  const left = Math.min(...locks.next.map((l) => config.pinMaxFailures - l.failures));
  return retryAt > now
    ? { ok: false, reason: 'locked', retryAt }
    : { ok: false, reason: 'wrong_pin', left };
}
