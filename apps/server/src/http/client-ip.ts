import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The socket's peer, or null for in-process requests (tests), which have none. */
function peerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

const isLoopback = (address: string) => address === '::1' || /^(?:::ffff:)?127\./.test(address);

/** In-process requests (tests) have no peer; a real proxy on this host comes from loopback. */
const fromLocalProxy = (peer: string | null) => peer === null || isLoopback(peer);

/**
 * The caller's address, for rate limits, audit and security logs. Only a
 * proxy on this host (nginx, as infra/ deploys it, which replaces the
 * header with the address it saw) may say who the client is: from any other
 * peer, X-Forwarded-For is the client's own claim and would let it pick the
 * address its rate limits count against.
 */
export function clientIp(c: Context): string | null {
  const peer = peerAddress(c);
  if (fromLocalProxy(peer)) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded && isIP(forwarded)) return forwarded;
  }
  return peer;
}

/** Whether the client reached us over HTTPS: directly, or through the proxy on this host. */
export function viaHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return fromLocalProxy(peerAddress(c)) && c.req.header('x-forwarded-proto') === 'https';
}
