import type { Envelope } from '@niteos/schema/wire';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { canonicalEnvelope, chainHash, signingMessage } from './canonical.ts';

/**
 * Ed25519 is injected so this package stays pure and each side uses the
 * implementation that suits it: tills sign with @noble/ed25519, the server
 * verifies with node:crypto. Both must be strict RFC 8032 verifiers.
 */
export type Ed25519Verify = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
) => boolean;
export type Ed25519Sign = (
  message: Uint8Array,
  secretKey: Uint8Array,
) => Uint8Array | Promise<Uint8Array>;

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** A signed op as pushed, plus its canonical form for hashing. */
export interface SignedEnvelope {
  envelope: Envelope;
  sig: string;
}

/** Signs an envelope; returns the wire op and the chain hash for the next op's `prev`. */
export async function signEnvelope(
  envelope: Envelope,
  secretKey: Uint8Array,
  sign: Ed25519Sign,
): Promise<SignedEnvelope & { chainHash: string }> {
  const signature = await sign(signingMessage(canonicalEnvelope(envelope)), secretKey);
  return { envelope, sig: toBase64Url(signature), chainHash: chainHash(signature) };
}

/**
 * Checks a base64url signature over an op's canonical form. Wrong lengths
 * and bad encodings are simply invalid: the caller needs a yes or no.
 */
export function verifyCanonical(
  canonical: string,
  sig: string,
  publicKey: Uint8Array,
  verify: Ed25519Verify,
): { valid: boolean; signature: Uint8Array | null } {
  const signature = fromBase64Url(sig);
  if (signature === null || signature.length !== ED25519_SIGNATURE_BYTES) {
    return { valid: false, signature: null };
  }
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return { valid: false, signature };
  return { valid: verify(signature, signingMessage(canonical), publicKey), signature };
}
