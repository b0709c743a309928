import { createSignal } from 'solid-js';
import { ApiError } from '../sync/api.ts';

/** Runs an admin action, keeping its busy state and a message a person can read. */
export function createAction() {
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ ok: boolean; text: string } | null>(null);
  async function run<T>(work: () => Promise<T>, done?: string): Promise<T | undefined> {
    setBusy(true);
    setMessage(null);
    try {
      const result = await work();
      if (done) setMessage({ ok: true, text: done });
      return result;
    } catch (err) {
      const text =
        err instanceof ApiError
          ? err.status === 0
            ? 'No connection: the back office needs the network.'
            : err.message
          : String(err);
      setMessage({ ok: false, text });
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, run };
}
