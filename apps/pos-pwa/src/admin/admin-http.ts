import { config } from '../config.ts';
import { ApiError, createJsonCall } from '../sync/api.ts';

/** `token` is sent as the bearer; `body` as JSON. */
interface CallInit {
  token?: string | null;
  body?: unknown;
}

/** One JSON call. Every failure is an ApiError. */
export type Request = <T>(method: string, path: string, init?: CallInit) => Promise<T>;

/** The back office's HTTP, the till's JSON call: status 0 on the ApiError means no answer from the server. */
export function createRequest(
  base = config.apiBase,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): Request {
  // The till's timeout: long enough for a week of analytics too, and venue
  // Wi-Fi that swallows a request ends in an error, not a spinner.
  const call = createJsonCall(base, { timeoutMs: config.requestTimeoutMs, fetch: fetchImpl });
  return (method, path, init = {}) => call(method, path, init.token ?? null, init.body);
}

/** What a person reads about a failed call: the server's own message, or that the network is gone. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError)
    return err.status === 0 ? 'No connection: the back office needs the network.' : err.message;
  return err instanceof Error ? err.message : String(err);
}
