import { createHash } from 'node:crypto';
import type { Envelope } from '@niteos/schema/wire';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import {
  canonicalEnvelope,
  canonicalHash,
  chainHash,
  OP_SIGNING_PREFIX,
  signingMessage,
} from './canonical.ts';
import { validateEnvelope } from './envelope.ts';
import {
  ED25519_SIGNATURE_BYTES,
  type Ed25519Verify,
  signEnvelope,
  verifyCanonical,
} from './signature.ts';
import { ncSale } from './test-support/envelopes.ts';
import { nodeKeyPair, nodeSign, nodeVerify } from './test-support/node-ed25519.ts';

// noble v3 signs synchronously only with a SHA-512 supplied.
ed.hashes.sha512 = sha512;

const nobleSign = (message: Uint8Array, secretKey: Uint8Array) => ed.sign(message, secretKey);
const nobleVerify: Ed25519Verify = (signature, message, publicKey) =>
  ed.verify(signature, message, publicKey, { zip215: false });

/** Rebuilds a JSON value with every object's keys in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, inner]) => [key, reverseKeys(inner)]));
}

/** Decodes a signature the test made itself; a null here is a broken test. */
function decode(sig: string): Uint8Array {
  const bytes = fromBase64Url(sig);
  if (bytes === null) throw new Error(`not base64url: ${sig}`);
  return bytes;
}

const sha256Base64Url = (bytes: Uint8Array | string) =>
  createHash('sha256').update(bytes).digest('base64url');

describe('canonicalEnvelope', () => {
  test('does not depend on key order', () => {
    const envelope = ncSale();
    const reversed = reverseKeys(envelope) as Envelope;
    expect(Object.keys(reversed)[0]).toBe('basis');
    expect(canonicalEnvelope(reversed)).toBe(canonicalEnvelope(envelope));
  });

  test('serializes an envelope per RFC 8785: sorted keys, no spaces, literal non-ASCII, escaped controls', () => {
    const envelope = ncSale({
      nitetapId: '04A1B2C3',
      seq: 9_007_199_254_740_991,
      prev: 'abc_-0',
      lines: [
        { itemId: 'Café "Crème"/€😀\u0007\t\n\u001f\u007f\\', qty: 1, unitNc: 0, unitChf: 0 },
      ],
      amountNc: 0,
      basis: { balanceNc: -250, asOf: null, pendingNc: 0 },
    });
    // Derived by hand from RFC 8785 §3.2: keys sorted by UTF-16 code units
    // (upper case before lower case, a prefix first), integers as ECMAScript
    // prints them, only '"', '\' and U+0000–U+001F escaped (short forms for
    // \b \t \n \f \r, else \u00xx in lower-case hex), '/', DEL and non-ASCII
    // left as they are.
    const expected =
      '{"amountChf":0,"amountNc":0,"at":"2025-06-14T23:15:00Z",' +
      '"basis":{"asOf":null,"balanceNc":-250,"pendingNc":0},' +
      '"id":"0190a6c2-0001-7000-8000-000000000001",' +
      '"lines":[{"itemId":"Café \\"Crème\\"/€😀\\u0007\\t\\n\\u001f\u007f\\\\","qty":1,"unitChf":0,"unitNc":0}],' +
      '"nitetapId":"04A1B2C3","op":"sale","prev":"abc_-0","seq":9007199254740991,' +
      '"staffId":"staff-1","tender":"nc","tillId":"till-1","v":1,"venueId":"venue-1","voids":null}';
    expect(canonicalEnvelope(envelope)).toBe(expected);
  });

  test('matches the RFC 8785 §3.2.2 example for numbers, literals and string escapes', () => {
    // The input of RFC 8785 §3.2.2, verbatim.
    const input = JSON.parse(
      String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`,
    );
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalEnvelope(input as Envelope)).toBe(expected);
  });

  test('sorts keys by UTF-16 code units as RFC 8785 §3.2.3 does', () => {
    const input = JSON.parse(
      String.raw`{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
      }`,
    );
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33.
    const expected =
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
    expect(canonicalEnvelope(input as Envelope)).toBe(expected);
  });
});

describe('signingMessage', () => {
  test('starts with the bytes of "niteos/op/v1\\n"', () => {
    const prefix = [0x6e, 0x69, 0x74, 0x65, 0x6f, 0x73, 0x2f, 0x6f, 0x70, 0x2f, 0x76, 0x31, 0x0a];
    const message = signingMessage(canonicalEnvelope(ncSale()));
    expect(OP_SIGNING_PREFIX).toBe('niteos/op/v1\n');
    expect([...message.subarray(0, prefix.length)]).toEqual(prefix);
  });

  test('continues with the UTF-8 bytes of the canonical envelope', () => {
    const canonical = canonicalEnvelope(
      ncSale({ lines: [{ itemId: 'Café', qty: 1, unitNc: 900, unitChf: 0 }] }),
    );
    const message = signingMessage(canonical);
    expect(Buffer.from(message.subarray(13)).toString('utf8')).toBe(canonical);
    // é is two bytes in UTF-8: the message is bytes, not UTF-16 code units.
    expect(message.length).toBe(13 + canonical.length + 1);
  });
});

describe('canonicalHash', () => {
  test('is the base64url SHA-256 of the canonical envelope', () => {
    const canonical = canonicalEnvelope(ncSale());
    expect(canonicalHash(canonical)).toBe(sha256Base64Url(canonical));
  });

  test('tells two envelopes with one id apart', () => {
    const a = canonicalEnvelope(ncSale());
    const b = canonicalEnvelope(ncSale({ staffId: 'staff-2' }));
    expect(canonicalHash(a)).not.toBe(canonicalHash(b));
  });
});

describe('signEnvelope and verifyCanonical', () => {
  const { secretKey, publicKey } = nodeKeyPair();
  const envelope = ncSale();

  test('a signature made with @noble/ed25519 verifies with node:crypto', async () => {
    const signed = await signEnvelope(envelope, secretKey, nobleSign);
    const check = verifyCanonical(canonicalEnvelope(envelope), signed.sig, publicKey, nodeVerify);
    expect(check.valid).toBe(true);
    expect(check.signature).toEqual(fromBase64Url(signed.sig));
    expect(signed.envelope).toBe(envelope);
  });

  test('a signature made with node:crypto verifies with strict @noble/ed25519', async () => {
    const signed = await signEnvelope(envelope, secretKey, nodeSign);
    const check = verifyCanonical(canonicalEnvelope(envelope), signed.sig, publicKey, nobleVerify);
    expect(check.valid).toBe(true);
  });

  test('both implementations sign identically (RFC 8032 signatures are deterministic)', async () => {
    const byNoble = await signEnvelope(envelope, secretKey, nobleSign);
    const byNode = await signEnvelope(envelope, secretKey, nodeSign);
    expect(byNoble.sig).toBe(byNode.sig);
    expect(ed.getPublicKey(secretKey)).toEqual(publicKey);
  });

  test('a signature travels as 86 base64url characters (64 bytes, no padding)', async () => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  test('accepts an async signer (WebCrypto on a till)', async () => {
    const signed = await signEnvelope(envelope, secretKey, (m, k) => ed.signAsync(m, k));
    const check = verifyCanonical(canonicalEnvelope(envelope), signed.sig, publicKey, nodeVerify);
    expect(check.valid).toBe(true);
  });

  const tampered: [string, Envelope][] = [
    ['amountNc', { ...envelope, amountNc: envelope.amountNc + 1 }],
    ['nitetapId', { ...envelope, nitetapId: '04a1b2c3d4e5f7' }],
    ['tender', { ...envelope, tender: 'cash' }],
    ['seq', { ...envelope, seq: 2 }],
    ['venueId', { ...envelope, venueId: 'venue-2' }],
    ['a line quantity', { ...envelope, lines: envelope.lines.map((l) => ({ ...l, qty: 3 })) }],
    ['basis.pendingNc', { ...envelope, basis: { ...envelope.basis, pendingNc: 1 } }],
    ['at', { ...envelope, at: '2025-06-14T23:15:01Z' }],
  ];

  test.each(tampered)('fails when %s is changed after signing', async (_field, changed) => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    const check = verifyCanonical(canonicalEnvelope(changed), sig, publicKey, nodeVerify);
    expect(check.valid).toBe(false);
    expect(nobleVerify(decode(sig), signingMessage(canonicalEnvelope(changed)), publicKey)).toBe(
      false,
    );
  });

  test.each([0, 1, 31, 32, 33, 63])('fails when signature byte %i is flipped', async (index) => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    const bytes = decode(sig);
    bytes[index] = (bytes[index] ?? 0) ^ 0x01;
    const check = verifyCanonical(
      canonicalEnvelope(envelope),
      toBase64Url(bytes),
      publicKey,
      nodeVerify,
    );
    expect(check.valid).toBe(false);
  });

  test('fails with another till’s public key', async () => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    const other = nodeKeyPair().publicKey;
    expect(verifyCanonical(canonicalEnvelope(envelope), sig, other, nodeVerify).valid).toBe(false);
  });

  /** A verifier that must not be reached: malformed input is settled before crypto. */
  const unreachable: Ed25519Verify = () => {
    throw new Error('verify must not be called');
  };

  const malformed: [string, string][] = [
    ['63 bytes', toBase64Url(new Uint8Array(63).fill(1))],
    ['65 bytes', toBase64Url(new Uint8Array(65).fill(1))],
    ['empty', ''],
    ['padded base64url', `${toBase64Url(new Uint8Array(64).fill(1))}==`],
    ['standard base64', Buffer.from(new Uint8Array(64).fill(0xfb)).toString('base64')],
    ['hex', 'ab'.repeat(64)],
    ['whitespace inside', `${toBase64Url(new Uint8Array(32))} ${toBase64Url(new Uint8Array(32))}`],
    ['an impossible length', 'A'.repeat(85)],
  ];

  test.each(malformed)('a %s signature is invalid without throwing', (_name, sig) => {
    const check = verifyCanonical(canonicalEnvelope(envelope), sig, publicKey, unreachable);
    expect(check).toEqual({ valid: false, signature: null });
  });

  test('a signature with non-canonical trailing bits is invalid', async () => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    // 64 bytes leave 4 unused bits in the last of 86 characters; base64url must leave them 0.
    const loose = `${sig.slice(0, -1)}${String.fromCharCode(sig.charCodeAt(sig.length - 1) + 1)}`;
    expect(fromBase64Url(loose)).toBeNull();
    expect(verifyCanonical(canonicalEnvelope(envelope), loose, publicKey, unreachable).valid).toBe(
      false,
    );
  });

  test('a public key that is not 32 bytes is invalid without calling the verifier', async () => {
    const { sig } = await signEnvelope(envelope, secretKey, nobleSign);
    const check = verifyCanonical(
      canonicalEnvelope(envelope),
      sig,
      publicKey.subarray(0, 31),
      unreachable,
    );
    expect(check.valid).toBe(false);
    expect(check.signature?.length).toBe(ED25519_SIGNATURE_BYTES);
  });
});

describe('chainHash', () => {
  test('is the base64url SHA-256 of the signature bytes', () => {
    const signature = new Uint8Array(64).map((_, i) => (i * 37) & 0xff);
    expect(chainHash(signature)).toBe(sha256Base64Url(signature));
    expect(fromBase64Url(chainHash(signature))?.length).toBe(32);
  });

  test('signEnvelope returns the chain hash of the signature it made', async () => {
    const { secretKey } = nodeKeyPair();
    const signed = await signEnvelope(ncSale(), secretKey, nobleSign);
    expect(signed.chainHash).toBe(sha256Base64Url(decode(signed.sig)));
  });

  test('links the next op: its prev is accepted by validateEnvelope', async () => {
    const { secretKey } = nodeKeyPair();
    const first = await signEnvelope(ncSale(), secretKey, nobleSign);
    const second = ncSale({ seq: 2, prev: first.chainHash });
    expect(validateEnvelope(second).ok).toBe(true);
  });
});
