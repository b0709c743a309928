import { ErrorCode, UNSTORABLE_TEXT, unstorableText } from '@niteos/schema/wire';
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from '../errors.ts';

/** Reads the JSON body: malformed JSON is 400 `bad_json`. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw badRequest('body is not valid JSON', ErrorCode.badJson);
  }
}

/** Turns the first schema issue into a message a person can act on. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** Reads and validates a JSON body: 400 with the first problem, nothing changed. */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  if (unstorableText(parsed.data)) throw badRequest(UNSTORABLE_TEXT);
  return parsed.data;
}

/** Reads and validates a route's query parameters: 400 with the first problem. */
export function parseQuery<S extends z.ZodType>(
  query: Record<string, string>,
  schema: S,
): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return parsed.data;
}
