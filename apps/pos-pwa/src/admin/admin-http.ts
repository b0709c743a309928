import { config } from '../config.ts';
import { ApiError } from '../sync/api.ts';

/**
 * Long enough for a week of analytics, short enough that venue Wi-Fi which
 * takes the request and never answers ends in an error, not a spinner.
 */
const TIMEOUT_MS = 20_000;

/** `token` is sent as the bearer; `body` as JSON. */
interface CallInit {
  token?: string | null;
  body?: unknown;
}

/** One JSON call. Every failure is an ApiError. */
export type Request = <T>(method: string, path: string, init?: CallInit) => Promise<T>;

/** The back office's HTTP: status 0 on the ApiError means no answer from the server. */
export function createRequest(
  base = config.apiBase,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): Request {
  return async <T>(method: string, path: string, init: CallInit = {}) => {
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      throw new ApiError(0, 'network', err instanceof Error ? err.message : 'network error');
    }
    if (res.status === 204) return undefined as T;
    const parsed = readJson(text) as { error?: { code: string; message: string } } | null;
    if (!res.ok)
      throw new ApiError(
        res.status,
        parsed?.error?.code ?? 'http',
        parsed?.error?.message ?? `HTTP ${res.status}`,
      );
    if (parsed === null) throw new ApiError(502, 'bad_reply', 'The server sent no data.');
    return parsed as T;
  };
}

/** The JSON of a body, or null: a proxy's error page is HTML, and its status says enough. */
function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What a person reads about a failed call: the server's own message, or that the network is gone. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError)
    return err.status === 0 ? 'No connection: the back office needs the network.' : err.message;
  return err instanceof Error ? err.message : String(err);
}
