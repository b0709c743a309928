import type { Context } from 'hono';
import { badRequest } from '../errors.ts';
import { viaHttps } from './client-ip.ts';

/**
 * Refuses a plain-http address for something guests' browsers load (the
 * radio stream, a feed image) when this deployment is reached over HTTPS:
 * an https page upgrades or blocks http media (mixed content, and the CSP's
 * upgrade-insecure-requests), so an http-only stream would save fine and
 * never play. The admin's own request tells: the guest app and the back
 * office are served by the same host.
 */
export function assertGuestsCanLoad(c: Context, field: string, url: string | null | undefined) {
  if (url && viaHttps(c) && new URL(url).protocol === 'http:')
    throw badRequest(
      `${field} must start with https://: guests open the app over HTTPS, and browsers refuse plain http media there`,
    );
}
