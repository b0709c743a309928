/**
 * Test-only Ed25519 on node:crypto, the server's verifier (sync protocol §3:
 * strict RFC 8032). ledger-core itself never imports node:crypto; tests may,
 * to prove the injected functions behave as the server's will.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../base64url.ts';
import type { Ed25519Sign, Ed25519Verify } from '../signature.ts';

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** A node KeyObject for a raw 32-byte Ed25519 public key (via JWK). */
export function nodePublicKey(publicKey: Uint8Array) {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) },
    format: 'jwk',
  });
}

/**
 * Strict RFC 8032 verification with node:crypto. Keys node refuses to
 * import, and any other throw, count as invalid: a verifier answers yes or no.
 */
export const nodeVerify: Ed25519Verify = (signature, message, publicKey) => {
  try {
    return verify(null, message, nodePublicKey(publicKey), signature);
  } catch {
    return false;
  }
};

/** Signs with a raw 32-byte Ed25519 secret key (the RFC 8032 seed). */
export const nodeSign: Ed25519Sign = (message, secretKey) => {
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + secretKey.length);
  der.set(PKCS8_ED25519_PREFIX);
  der.set(secretKey, PKCS8_ED25519_PREFIX.length);
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  return new Uint8Array(sign(null, message, key));
};

/** A fresh key pair as raw bytes: 32-byte secret key (seed) and 32-byte public key. */
export function nodeKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const secretKey = jwk.d === undefined ? null : fromBase64Url(jwk.d);
  const publicKey = jwk.x === undefined ? null : fromBase64Url(jwk.x);
  if (secretKey === null || publicKey === null) throw new Error('node exported no raw Ed25519 key');
  return { secretKey, publicKey };
}
