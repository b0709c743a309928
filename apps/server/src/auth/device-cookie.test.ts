import { describe, expect, test } from 'vitest';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, knownDevice, newDeviceCookie } from './device-cookie.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const ACCOUNT = { id: 'user-1', passwordHash: 'scrypt$salt$hash' };
const NOW = Date.UTC(2026, 10, 24);
const DAY = 86_400_000;

describe('device cookies', () => {
  test('count for the account they were made for, until they are too old', () => {
    const cookie = newDeviceCookie(SECRET, ACCOUNT, NOW);
    const nonce = cookie.split('.')[0];
    expect(knownDevice(SECRET, ACCOUNT, cookie, NOW)).toBe(nonce);
    expect(knownDevice(SECRET, ACCOUNT, cookie, NOW + 179 * DAY)).toBe(nonce);
    expect(
      knownDevice(SECRET, ACCOUNT, cookie, NOW + DEVICE_COOKIE_MAX_AGE_SECONDS * 1000 + 1000),
    ).toBeNull();
    // Issued "in the future": made up, or by a server whose clock ran ahead.
    expect(knownDevice(SECRET, ACCOUNT, cookie, NOW - 60_000)).toBeNull();
  });

  test('count for no other account, password or server, and never when altered', () => {
    const cookie = newDeviceCookie(SECRET, ACCOUNT, NOW);
    const [nonce, issued, mac] = cookie.split('.') as [string, string, string];
    const refused = {
      'another account': [SECRET, { ...ACCOUNT, id: 'user-2' }, cookie],
      'a new password': [SECRET, { ...ACCOUNT, passwordHash: 'scrypt$salt$other' }, cookie],
      'another server': ['another-secret-of-at-least-thirty-two-chars', ACCOUNT, cookie],
      'an older issue time': [SECRET, ACCOUNT, `${nonce}.${Number(issued) - 1}.${mac}`],
      'another nonce': [SECRET, ACCOUNT, `x${nonce}.${issued}.${mac}`],
      'a cut mac': [SECRET, ACCOUNT, `${nonce}.${issued}.${mac.slice(0, -1)}`],
      'an extra part': [SECRET, ACCOUNT, `${cookie}.x`],
      'no cookie': [SECRET, ACCOUNT, undefined],
      'an empty one': [SECRET, ACCOUNT, ''],
    } as const;
    for (const [what, [secret, account, value]] of Object.entries(refused)) {
      expect(knownDevice(secret, account, value, NOW), what).toBeNull();
    }
  });

  test('each is new: two sign-ins from one browser do not share a count', () => {
    const one = newDeviceCookie(SECRET, ACCOUNT, NOW);
    const two = newDeviceCookie(SECRET, ACCOUNT, NOW);
    expect(knownDevice(SECRET, ACCOUNT, one, NOW)).not.toBe(knownDevice(SECRET, ACCOUNT, two, NOW));
  });
});
