import { UNSTORABLE_TEXT, unstorableText } from '@niteos/schema/wire';
import type { MiddlewareHandler } from 'hono';
import { badRequest } from '../errors.ts';

/**
 * Refuses a URL whose path or query decodes to text PostgreSQL cannot store
 * or compare (NUL) or that is not Unicode: routes read ids and filters from
 * them, and such a value reached the database as a 500. One check here
 * rather than one per parameter of every route.
 */
export const urlText: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  let parts: string[];
  try {
    parts = [decodeURIComponent(url.pathname), ...url.searchParams.keys()];
  } catch {
    throw badRequest('the URL is not valid percent-encoded UTF-8');
  }
  parts.push(...url.searchParams.values());
  if (parts.some(unstorableText)) throw badRequest(`in the URL, ${UNSTORABLE_TEXT}`);
  await next();
};
