import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The socket's peer: `inProcess` for requests tests make through
 * `app.request()`, which have no socket; a null address for a socket that
 * has none any more (Node drops it once the client resets the connection).
 */
function peerOf(c: Context): { inProcess: boolean; address: string | null } {
  try {
    return { inProcess: false, address: getConnInfo(c).remote.address ?? null };
  } catch {
    return { inProcess: true, address: null };
  }
}

const isLoopback = (address: string) => address === '::1' || /^(?:::ffff:)?127\./.test(address);

/** An address or a CIDR range (`10.0.0.5`, `10.0.0.0/24`, `fd00::/8`), as `NITEOS_TRUSTED_PROXIES` lists them. */
export function isProxyEntry(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return (
    prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  );
}

/** The proxies, besides one on this host, that may say who the client is. */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/**
 * In-process requests (tests) have no peer; a real proxy on this host comes
 * from loopback; one on another host (several server hosts behind one nginx)
 * must be listed, as the app's `trustedProxies` variable carries them. A
 * socket whose peer is gone is no one's: its header is not believed.
 */
function fromTrustedProxy(c: Context, { inProcess, address: peer }: ReturnType<typeof peerOf>) {
  if (inProcess) return true;
  if (peer === null) return false;
  if (isLoopback(peer)) return true;
  const listed = (c.var as { trustedProxies?: BlockList }).trustedProxies;
  if (!listed) return false;
  // IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d.
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(peer)?.[1];
  if (v4) return listed.check(v4, 'ipv4');
  return listed.check(peer, isIP(peer) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The caller's address, for rate limits, audit and security logs. Only a
 * trusted proxy (nginx, as infra/ deploys it, which replaces the header
 * with the address it saw) may say who the client is: from any other peer,
 * X-Forwarded-For is the client's own claim and would let it pick the
 * address its rate limits count against.
 */
export function clientIp(c: Context): string | null {
  const peer = peerOf(c);
  if (fromTrustedProxy(c, peer)) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded && isIP(forwarded)) return forwarded;
  }
  return peer.address;
}

/** Whether the client reached us over HTTPS: directly, or through a trusted proxy. */
export function viaHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return fromTrustedProxy(c, peerOf(c)) && c.req.header('x-forwarded-proto') === 'https';
}
