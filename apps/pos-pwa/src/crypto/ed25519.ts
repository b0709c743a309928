import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

// Synchronous signing, so an op is signed inside the same IndexedDB
// transaction that stores it (awaiting anything else would commit it early).
ed.hashes.sha512 = sha512;

export function newKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = ed.utils.randomSecretKey();
  return { secretKey, publicKey: ed.getPublicKey(secretKey) };
}

export const signSync = (message: Uint8Array, secretKey: Uint8Array): Uint8Array =>
  ed.sign(message, secretKey);
