import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.ts';

describe('base64url', () => {
  test('encodes as RFC 4648 §5 without padding, like Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 200 },
    );
  });

  test('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  test('gives each byte string exactly one spelling', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'AQgwBCDE-_09az'), maxLength: 12 }),
        (text) => {
          const bytes = fromBase64Url(text);
          if (bytes !== null) expect(toBase64Url(bytes)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  test.each([
    ['padding', 'AA=='],
    ['the + of standard base64', 'a+8'],
    ['the / of standard base64', 'a/8'],
    ['whitespace', 'AA AA'],
    ['an impossible length', 'AAAAA'],
    ['non-zero trailing bits', 'AB'],
    ['non-ASCII', 'AAé'],
  ])('refuses %s without throwing', (_name, text) => {
    expect(fromBase64Url(text)).toBeNull();
  });

  test('decodes the empty string to no bytes', () => {
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });
});
