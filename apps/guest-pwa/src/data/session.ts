import type { LoginResponse } from '@niteos/schema/wire';
import { createSignal } from 'solid-js';

const KEY = 'niteos.guest.session';

function load(): LoginResponse | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as LoginResponse) : null;
  } catch {
    return null;
  }
}

const [current, setCurrent] = createSignal<LoginResponse | null>(load());

/** The signed-in guest, kept across reloads so the wallet opens offline. */
export const session = current;

export function setSession(next: LoginResponse | null) {
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  setCurrent(next);
}
