import type { LoginResponse, PullResponse, PushResponse } from '@niteos/schema/wire';

/**
 * A failed API call, classified once, here: `retryable` failures (no
 * network, timeouts, 429, 5xx) are tried again with the same ops; the
 * others need a person.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

function retryAfter(res: Response): number | null {
  const header = res.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export function createApi(base: string, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
  async function call<T>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (err) {
      throw new ApiError(0, 'network', err instanceof Error ? err.message : 'network error');
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        res.status,
        error?.code ?? 'http',
        error?.message ?? `HTTP ${res.status}`,
        retryAfter(res),
      );
    }
    if (parsed === null) throw new ApiError(502, 'bad_reply', 'the server sent no JSON');
    return parsed as T;
  }

  return {
    login: (email: string, password: string) =>
      call<LoginResponse>('POST', '/auth/login', null, { email, password }),
    venues: (token: string) =>
      call<{ venues: { id: string; name: string; city: string }[] }>('GET', '/admin/venues', token),
    enroll: (token: string, venueId: string, name: string, publicKey: string) =>
      call<{ tillId: string; deviceToken: string }>(
        'POST',
        `/admin/venues/${venueId}/tills`,
        token,
        {
          name,
          publicKey,
        },
      ),
    push: (deviceToken: string, tillId: string, ops: { envelope: unknown; sig: string }[]) =>
      call<PushResponse>('POST', '/sync/push', deviceToken, { tillId, ops }),
    pull: (deviceToken: string, cursor: string | null) =>
      call<PullResponse>(
        'GET',
        `/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
        deviceToken,
      ),
  };
}

export type Api = ReturnType<typeof createApi>;
