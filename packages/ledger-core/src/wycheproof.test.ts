/**
 * The Wycheproof Ed25519 vectors are the test of strict RFC 8032
 * verification (sync protocol §3): both verifiers NiteOS uses must give
 * the expected answer for every one of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import { nodeVerify } from './test-support/node-ed25519.ts';

ed.hashes.sha512 = sha512;

const VECTORS_URL = new URL(
  '../../../../shared/vectors/ed25519/wycheproof_ed25519_test.json',
  import.meta.url,
);

interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[];
  }[];
}

interface Vector {
  tcId: number;
  comment: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  valid: boolean;
}

function loadVectors(): { file: WycheproofFile; vectors: Vector[] } {
  if (!existsSync(VECTORS_URL)) {
    throw new Error(
      `Wycheproof vectors missing at ${VECTORS_URL.pathname}: restore shared/vectors/ed25519`,
    );
  }
  const file = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as WycheproofFile;
  const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
  const vectors = file.testGroups.flatMap((group) =>
    group.tests.map((t) => {
      if (t.result !== 'valid' && t.result !== 'invalid') {
        throw new Error(`tcId ${t.tcId}: unexpected result ${t.result}`);
      }
      return {
        tcId: t.tcId,
        comment: t.comment || '(no comment)',
        publicKey: hex(group.publicKey.pk),
        message: hex(t.msg),
        signature: hex(t.sig),
        valid: t.result === 'valid',
      };
    }),
  );
  return { file, vectors };
}

const { file, vectors } = loadVectors();

/** noble throws on malformed lengths and encodings; to a verifier that is a no. */
function nobleVerify(vector: Vector, zip215: boolean): boolean {
  try {
    return ed.verify(vector.signature, vector.message, vector.publicKey, { zip215 });
  } catch {
    return false;
  }
}

describe('Wycheproof Ed25519 vectors', () => {
  test('all 151 vectors are loaded: 88 valid, 63 invalid', () => {
    expect(vectors).toHaveLength(151);
    expect(file.numberOfTests).toBe(151);
    expect(vectors.filter((v) => v.valid)).toHaveLength(88);
    expect(new Set(vectors.map((v) => v.tcId)).size).toBe(151);
  });

  test.each(vectors)('tcId $tcId ($comment): node:crypto answers as expected', (vector) => {
    expect(nodeVerify(vector.signature, vector.message, vector.publicKey)).toBe(vector.valid);
  });

  test.each(vectors)(
    'tcId $tcId ($comment): @noble/ed25519 with zip215 false answers as expected',
    (vector) => {
      expect(nobleVerify(vector, false)).toBe(vector.valid);
    },
  );

  test('@noble/ed25519 by default (ZIP-215) accepts a vector strict RFC 8032 rejects', () => {
    const lenient = vectors.filter((v) => !v.valid && nobleVerify(v, true));
    expect(lenient.length).toBeGreaterThan(0);
  });
});
