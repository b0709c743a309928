import { z } from 'zod';
import { isPgYear } from '../db/pg-time.ts';
import { badRequest } from '../errors.ts';
import { parseQuery } from './validate.ts';

/** `?from=&to=` (also the OpenAPI document's). */
export const rangeQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/**
 * `?from=&to=` of a report: ISO timestamps with an offset; `to` defaults
 * to now and `from` to `defaultSpanMs` before `to`. A 400 when either is
 * malformed or `from` is not before `to`.
 */
export function readTimeRange(
  query: Record<string, string>,
  defaultSpanMs: number,
): { from: Date; to: Date } {
  const range = parseQuery(query, rangeQuery);
  const to = range.to ? new Date(range.to) : new Date();
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - defaultSpanMs);
  for (const d of [from, to]) {
    if (!isPgYear(d.getUTCFullYear()))
      throw badRequest('from and to must fall in the years 0001 to 9999');
  }
  if (from >= to) throw badRequest('from must be before to');
  return { from, to };
}
