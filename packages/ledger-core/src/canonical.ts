import type { Envelope } from '@niteos/schema/wire';
import { sha256 } from '@noble/hashes/sha2.js';
import canonicalizeJson from 'canonicalize';
import { toBase64Url } from './base64url.ts';

/** Domain-separation prefix of every op signature (sync protocol §3). */
export const OP_SIGNING_PREFIX = 'niteos/op/v1\n';

const encoder = new TextEncoder();

/** SHA-256; pure JS by default, injectable where a native one is faster (the server). */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** RFC 8785 (JCS) serialization of an envelope. */
export function canonicalEnvelope(envelope: Envelope): string {
  const text = canonicalizeJson(envelope);
  if (text === undefined) throw new TypeError('envelope is not serializable');
  return text;
}

/** The exact bytes a till signs: prefix + RFC 8785 form of the envelope. */
export function signingMessage(canonical: string): Uint8Array {
  return encoder.encode(OP_SIGNING_PREFIX + canonical);
}

/** base64url SHA-256 of the canonical envelope: tells a replay from an id reuse. */
export function canonicalHash(canonical: string, hash: Sha256 = sha256): string {
  return toBase64Url(hash(encoder.encode(canonical)));
}

/** The chain link: base64url SHA-256 of an op's signature bytes (`prev` of the next op). */
export function chainHash(signature: Uint8Array, hash: Sha256 = sha256): string {
  return toBase64Url(hash(signature));
}
