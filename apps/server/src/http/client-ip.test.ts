import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { clientIp } from './client-ip.ts';

const app = new Hono().get('/', (c) => c.text(String(clientIp(c))));

/** A request as @hono/node-server hands it over, from a socket whose peer is `peer`. */
async function seenAs(peer: string | null, forwarded?: string): Promise<string> {
  const headers = forwarded ? { 'x-forwarded-for': forwarded } : undefined;
  const env = peer ? { incoming: { socket: { remoteAddress: peer } } } : undefined;
  return (await app.request('/', { headers }, env)).text();
}

test('behind a proxy on this host, the first X-Forwarded-For address is the client', async () => {
  expect(await seenAs('127.0.0.1', '203.0.113.7, 10.0.0.1')).toBe('203.0.113.7');
  expect(await seenAs('::ffff:127.0.0.1', '2001:db8::5')).toBe('2001:db8::5');
  expect(await seenAs('::1', '203.0.113.8')).toBe('203.0.113.8');
});

test('a client talking to the server directly cannot choose its address with the header', async () => {
  expect(await seenAs('198.51.100.4', '203.0.113.7')).toBe('198.51.100.4');
});

test('a header that is not an address is ignored', async () => {
  expect(await seenAs('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
});
