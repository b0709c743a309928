import { DEFAULT_POLICY, toBase64Url } from '@niteos/ledger-core';
import { newKeyPair } from '../crypto/ed25519.ts';
import { openTillDb, setMeta, type TillDb } from '../db/database.ts';

let opened = 0;

/** A fresh till database (its own name) holding an enrolled device with a new key and the default policy. */
export async function openEnrolledTill(prefix: string): Promise<TillDb> {
  const db = openTillDb(`${prefix}-${++opened}`);
  const keys = newKeyPair();
  await db.device.put({
    key: 'device',
    tillId: 'till-1',
    venueId: 'venue-1',
    venueName: 'Club',
    tillName: 'Bar 1',
    deviceToken: 'token',
    secretKey: keys.secretKey,
    publicKey: toBase64Url(keys.publicKey),
    seq: 0,
    prev: '',
    enrolledAt: new Date().toISOString(),
  });
  await setMeta(db, 'policy', DEFAULT_POLICY);
  return db;
}
