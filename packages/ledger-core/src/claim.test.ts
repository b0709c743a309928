import { describe, expect, test } from 'vitest';
import { toBase64Url } from './base64url.ts';
import { claimCode, normalizeClaimCode } from './claim.ts';

const sig = (fill: number) => toBase64Url(new Uint8Array(64).fill(fill));

describe('claim codes', () => {
  test('are 8 Crockford base32 characters in two groups, stable for one signature', () => {
    const code = claimCode(sig(7));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(claimCode(sig(7))).toBe(code);
  });

  test('differ between signatures', () => {
    const codes = new Set(Array.from({ length: 200 }, (_, i) => claimCode(sig(i))));
    expect(codes.size).toBe(200);
  });

  test('what a guest types is read forgivingly', () => {
    const code = claimCode(sig(9));
    expect(normalizeClaimCode(code.toLowerCase().replace('-', ' '))).toBe(code);
    expect(normalizeClaimCode('oil0-abcd')).toBe('0110-ABCD');
  });

  test('refuses something that is not a signature', () => {
    expect(() => claimCode('not base64url!')).toThrow(TypeError);
  });
});
