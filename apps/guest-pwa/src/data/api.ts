import type { LoginResponse } from '@niteos/schema/wire';
import { session, setSession } from './session.ts';

/** A failed call: `status` 0 means the network, not the server, said no. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get offline(): boolean {
    return this.status === 0;
  }
}

const TIMEOUT_MS = 8000;

async function send(method: string, path: string, token: string | null, body?: unknown) {
  try {
    return await fetch(`/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      // Venue Wi-Fi may accept the request and never answer: give up, show what we had.
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, 'offline', 'No connection to NiteOS right now.');
  }
}

async function read<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const parsed = (await res.json().catch(() => null)) as
    | (T & { error?: { code?: string; message?: string } })
    | null;
  if (!res.ok) {
    const error = parsed?.error;
    throw new ApiError(res.status, error?.code ?? 'http', error?.message ?? `HTTP ${res.status}`);
  }
  if (parsed === null) throw new ApiError(502, 'bad_reply', 'The server sent no data.');
  return parsed;
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token once for everyone waiting; false means sign in again. */
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session();
    if (!current) return false;
    const res = await send('POST', '/auth/refresh', null, { refreshToken: current.refreshToken });
    if (res.status === 401 || res.status === 400) {
      setSession(null);
      return false;
    }
    setSession(await read<LoginResponse>(res));
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** JSON call; `auth` adds the guest's token and renews it once when it has expired. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; auth?: boolean } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const token = () => (init.auth ? (session()?.accessToken ?? null) : null);
  let res = await send(method, path, token(), init.body);
  if (res.status === 401 && init.auth && (await refreshSession())) {
    res = await send(method, path, token(), init.body);
  }
  return read<T>(res);
}
