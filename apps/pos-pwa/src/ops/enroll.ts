import { toBase64Url } from '@niteos/ledger-core';
import { newKeyPair } from '../crypto/ed25519.ts';
import type { TillDb } from '../db/database.ts';
import { type Api, ApiError } from '../sync/api.ts';

/**
 * The key pair of an enrolment not yet answered. Kept for the next try:
 * when the answer was lost, the server recognises the key and gives that
 * till a new token, instead of leaving a second till behind.
 */
let pendingKeys: ReturnType<typeof newKeyPair> | null = null;

/**
 * Makes this device a till: an Ed25519 key pair made here (the secret never
 * leaves IndexedDB), enrolled online by a venue admin's session.
 */
export async function enrollDevice(
  db: TillDb,
  api: Api,
  input: { adminToken: string; venueId: string; venueName: string; tillName: string },
): Promise<void> {
  pendingKeys ??= newKeyPair();
  const keys = pendingKeys;
  const publicKey = toBase64Url(keys.publicKey);
  const enrolled = await api
    .enroll(input.adminToken, input.venueId, input.tillName, publicKey)
    .catch((err: unknown) => {
      // The server will not take this key again (its till is in use or revoked): make another.
      if (err instanceof ApiError && err.status === 409) pendingKeys = null;
      throw err;
    });
  await db.device.put({
    key: 'device',
    tillId: enrolled.tillId,
    venueId: input.venueId,
    venueName: input.venueName,
    tillName: input.tillName,
    deviceToken: enrolled.deviceToken,
    secretKey: keys.secretKey,
    publicKey,
    seq: 0,
    prev: '',
    enrolledAt: new Date().toISOString(),
  });
  pendingKeys = null;
}

/**
 * Gives this till a new device token when the server no longer knows its own
 * (a database restored from an older backup), keeping its id, key and chain:
 * the ops it holds, signed with them, stay valid and are pushed next.
 */
export async function reenrollDevice(
  db: TillDb,
  api: Api,
  input: { adminToken: string; tillName: string },
): Promise<void> {
  const device = await db.device.get('device');
  if (!device) throw new Error('This till was never enrolled.');
  const { deviceToken } = await api.reenroll(input.adminToken, device, input.tillName);
  await db.device.update('device', { deviceToken, tillName: input.tillName });
}

export const STORAGE_WARNING =
  'The browser did not grant persistent storage: it may delete queued ops when space runs low. Install the app or allow storage for this site.';

/** Asks the browser to keep this till's data; false means it may be evicted under pressure. */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}
