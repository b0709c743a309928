import { createSignal } from 'solid-js';
import { errorText } from './admin-http.ts';

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
      setMessage({ ok: false, text: errorText(err) });
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, run };
}
