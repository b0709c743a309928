import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { describeIssues } from './validate.ts';

const rangeQuery = z.strictObject({
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
  const parsed = rangeQuery.safeParse(query);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  const to = parsed.data.to ? new Date(parsed.data.to) : new Date();
  const from = parsed.data.from
    ? new Date(parsed.data.from)
    : new Date(to.getTime() - defaultSpanMs);
  if (from >= to) throw badRequest('from must be before to');
  return { from, to };
}
