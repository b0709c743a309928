import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url } from './base64url.ts';

const CLAIM_PREFIX = new TextEncoder().encode('niteos/claim/v1\n');
/** Crockford base32: no I, L, O or U to misread at a dark bar. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The code a guest types to claim the wallet a till just topped up: derived
 * from that topup's signature, which only the till and the server know, so
 * knowing a tag id is not enough to claim its wallet. 8 characters (40
 * bits) shown as XXXX-XXXX; the server rate-limits attempts per tag.
 */
export function claimCode(topupSig: string): string {
  const sig = fromBase64Url(topupSig);
  if (!sig) throw new TypeError('claimCode needs a base64url signature');
  const digest = sha256(new Uint8Array([...CLAIM_PREFIX, ...sig]));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 8) break;
  }
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** Reads what a guest typed: case, spaces and dashes do not matter; I/L → 1, O → 0. */
export function normalizeClaimCode(typed: string): string {
  const clean = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}
