import { ErrorCode, type ErrorReply } from '@niteos/schema/wire';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { causes } from './db/pg-error.ts';
import type { Logger } from './logger.ts';

/**
 * A failure the client caused or may retry, with the HTTP status and the
 * `error.code` it maps to. Thrown anywhere; turned into JSON in one place.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code: ErrorCode = ErrorCode.badRequest) =>
  new AppError(400, code, message);
export const unauthorized = (message = 'sign in first') =>
  new AppError(401, ErrorCode.unauthorized, message);
export const forbidden = (message = 'not allowed for your role or venue') =>
  new AppError(403, ErrorCode.forbidden, message);
export const notFound = (what: string) =>
  new AppError(404, ErrorCode.notFound, `${what} not found`);
export const conflict = (message: string) => new AppError(409, ErrorCode.conflict, message);
export const payloadTooLarge = (message: string) =>
  new AppError(413, ErrorCode.payloadTooLarge, message);

/** The body of an error reply (`errorReplySchema`). */
export const errorReply = (code: ErrorCode, message: string): ErrorReply => ({
  error: { code, message },
});

/** The one place errors become responses; unknown errors never leak details. */
export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  if (err instanceof AppError) {
    // A 5xx the server chose (a store down, say) still tells ops what failed underneath.
    if (err.status >= 500 && err.cause !== undefined)
      log({
        level: 'warn',
        msg: err.message,
        requestId: c.get('requestId') ?? 'unknown',
        path: c.req.path,
        ...describeFailure(err.cause),
      });
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorReply(err.code, err.message), err.status);
  }
  const requestId = c.get('requestId') ?? 'unknown';
  log({
    level: 'error',
    msg: 'unhandled error',
    requestId,
    path: c.req.path,
    ...describeFailure(err),
  });
  return c.json(errorReply(ErrorCode.internal, `internal error (request ${requestId})`), 500);
}

/** The server cannot take this now (e.g. shutting down); the client retries after `retryAfterSeconds`. */
export const unavailable = (message: string, retryAfterSeconds: number) =>
  new AppError(503, ErrorCode.unavailable, message, { 'retry-after': String(retryAfterSeconds) });

/**
 * What a log may say about an unexpected error: the innermost cause (the
 * database's own message and SQLSTATE, e.g. 53100 disk full), its stack,
 * and the SQL of a failed query, never its parameters: drizzle's wrapper
 * message lists them all, signed envelopes and tokens included.
 */
export function describeFailure(err: unknown): Record<string, unknown> {
  const chain = causes(err);
  const root = chain.at(-1);
  const query = chain.find(
    (e): e is { query: string } => typeof (e as { query?: unknown })?.query === 'string',
  );
  const code = (root as { code?: unknown } | undefined)?.code;
  return {
    error: root instanceof Error ? (root.stack ?? root.message) : String(root),
    ...(typeof code === 'string' ? { code } : {}),
    ...(query ? { query: query.query.slice(0, 300) } : {}),
  };
}
