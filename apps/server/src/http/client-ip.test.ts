import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { clientIp, trustedProxies, viaHttps } from './client-ip.ts';

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

test('a socket whose peer is gone (the client reset it) is not believed either', async () => {
  const env = { incoming: { socket: {} } };
  const headers = { 'x-forwarded-for': '203.0.113.77' };
  expect(await (await app.request('/', { headers }, env)).text()).toBe('null');
  // In-process requests (these tests' app.request without a socket) still are.
  expect(await seenAs(null, '203.0.113.77')).toBe('203.0.113.77');
});

test('a header that is not an address is ignored', async () => {
  expect(await seenAs('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
});

/** The app of a server host behind nginx on another host, listed in NITEOS_TRUSTED_PROXIES. */
const behindRemoteProxy = new Hono<{
  Variables: { trustedProxies: ReturnType<typeof trustedProxies> };
}>()
  .use(async (c, next) => {
    c.set('trustedProxies', trustedProxies(['10.0.0.5', 'fd00::/8', '10.2.0.0/16']));
    await next();
  })
  .get('/', (c) => c.text(`${clientIp(c)} ${viaHttps(c) ? 'https' : 'http'}`));

async function remotelySeenAs(peer: string, forwarded: string) {
  const headers = { 'x-forwarded-for': forwarded, 'x-forwarded-proto': 'https' };
  const env = { incoming: { socket: { remoteAddress: peer } } };
  return (await behindRemoteProxy.request('/', { headers }, env)).text();
}

test('a listed proxy on another host says who the client is and that it came by HTTPS', async () => {
  expect(await remotelySeenAs('10.0.0.5', '203.0.113.7')).toBe('203.0.113.7 https');
  expect(await remotelySeenAs('::ffff:10.0.0.5', '203.0.113.8')).toBe('203.0.113.8 https');
  expect(await remotelySeenAs('10.2.44.1', '203.0.113.9')).toBe('203.0.113.9 https');
  expect(await remotelySeenAs('fd00::17', '2001:db8::5')).toBe('2001:db8::5 https');
  // Anyone else on the private network is taken at its word no more than a stranger.
  expect(await remotelySeenAs('10.0.0.6', '203.0.113.7')).toBe('10.0.0.6 http');
  expect(await remotelySeenAs('fe80::1', '203.0.113.7')).toBe('fe80::1 http');
});
