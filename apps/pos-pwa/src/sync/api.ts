import type {
  LoginResponse,
  PullResponse,
  PushResponse,
  WalletSnapshot,
} from '@niteos/schema/wire';

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

export interface ApiOptions {
  /**
   * How long the server may stay silent: before its answer starts, and then
   * between any two pieces of it. Not a bound on the whole call: a first pull
   * of thousands of balances over weak venue Wi-Fi may take longer, and
   * finishes as long as it keeps arriving.
   */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * One JSON call to the API: the bearer `token`, `body` as JSON, the answer
 * parsed; every failure an `ApiError` (status 0: no answer, or silence for
 * `timeoutMs`). The till's calls and the back office's share it.
 */
export function createJsonCall(base: string, options: ApiOptions) {
  const fetchImpl = options.fetch ?? ((...a) => fetch(...a));
  const { timeoutMs } = options;

  /** Sends and reads the answer; a dead network or a silent server is a retryable `ApiError`. */
  async function exchange(
    url: string,
    init: RequestInit,
  ): Promise<{ res: Response; text: string }> {
    // A request the network swallows would otherwise never settle, and the
    // sync engine, which sends one push at a time, would wait on it forever.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), timeoutMs);
    };
    rearm();
    try {
      const res = await fetchImpl(url, { ...init, signal: controller.signal });
      rearm();
      return { res, text: await readText(res, rearm) };
    } catch (err) {
      if (controller.signal.aborted) {
        throw new ApiError(0, 'timeout', `no answer from the server in ${timeoutMs / 1000} s`);
      }
      throw new ApiError(0, 'network', err instanceof Error ? err.message : 'network error');
    } finally {
      clearTimeout(timer);
    }
  }

  return async function call<T>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<T> {
    const { res, text } = await exchange(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (res.status === 204) return undefined as T;
    // A proxy's error page is HTML: then the status says enough.
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
  };
}

/** The body as text, calling `progress` as each piece of it arrives. */
async function readText(res: Response, progress: () => void): Promise<string> {
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    progress();
    text += decoder.decode(value, { stream: true });
  }
}

export function createApi(base: string, options: ApiOptions) {
  const call = createJsonCall(base, options);

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
    reenroll: (
      token: string,
      device: { venueId: string; tillId: string; publicKey: string },
      name: string,
    ) =>
      call<{ tillId: string; deviceToken: string }>(
        'POST',
        `/admin/venues/${device.venueId}/tills/${device.tillId}/reenroll`,
        token,
        { name, publicKey: device.publicKey },
      ),
    push: (deviceToken: string, tillId: string, ops: { envelope: unknown; sig: string }[]) =>
      call<PushResponse>('POST', '/sync/push', deviceToken, { tillId, ops }),
    wallet: (deviceToken: string, nitetapId: string) =>
      call<WalletSnapshot>('GET', `/sync/wallets/${encodeURIComponent(nitetapId)}`, deviceToken),
    pull: (deviceToken: string, cursor: string | null) =>
      call<PullResponse>(
        'GET',
        `/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
        deviceToken,
      ),
  };
}

export type Api = ReturnType<typeof createApi>;
