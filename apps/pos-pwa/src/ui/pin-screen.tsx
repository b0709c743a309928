import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import { timeLeft } from '../format.ts';
import { signInWithPin } from '../ops/pin.ts';
import { createLiveQuery } from '../state/live.ts';
import { useTill } from '../state/till-store.tsx';

/** Staff sign in with their PIN; works offline from the staff list the last pull brought. */
export function PinScreen() {
  const till = useTill();
  const staff = createLiveQuery(() => till.db.staff.toArray(), []);
  const [who, setWho] = createSignal<string | null>(null);
  const [pin, setPin] = createSignal('');
  const [message, setMessage] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  /** When a lockout ends (till-clock ms): the message counts down to it, then goes. */
  const [lockedUntil, setLockedUntil] = createSignal<number | null>(null);
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    const until = lockedUntil();
    if (until === null) return;
    const tick = setInterval(() => {
      setNow(Date.now());
      if (now() >= until) setLockedUntil(null);
    }, 1000);
    onCleanup(() => clearInterval(tick));
  });
  const shown = () => {
    const until = lockedUntil();
    return until === null
      ? message()
      : `Too many wrong PINs: try again in ${timeLeft(until - now())}.`;
  };

  async function submit() {
    const staffId = who();
    if (!staffId) return;
    if (pin().length < 4) {
      setMessage('A PIN has 4 to 8 digits.');
      return;
    }
    setBusy(true);
    let outcome: Awaited<ReturnType<typeof signInWithPin>>;
    try {
      outcome = await signInWithPin(till.db, staffId, pin());
    } catch (err) {
      console.error('PIN check failed', err);
      setMessage(
        'The till could not check the PIN: try again; if it keeps failing, reload the till.',
      );
      return;
    } finally {
      setBusy(false);
      setPin('');
    }
    setMessage(null);
    setLockedUntil(null);
    if (outcome.ok) {
      till.setStaff(outcome.staff);
    } else if (outcome.reason === 'locked') {
      setNow(Date.now());
      setLockedUntil(outcome.retryAt ?? Date.now());
    } else {
      setMessage(`Wrong PIN (${outcome.left} tries left).`);
    }
  }

  const press = (digit: string) => {
    if (!busy()) setPin((p) => (p.length < 8 ? p + digit : p));
  };

  return (
    <main class="screen narrow" data-testid="pin">
      <h1>Who is selling?</h1>
      <Show
        when={staff().length > 0}
        fallback={
          <p class="muted">
            No staff known yet: connect once so the till can fetch the staff list.
          </p>
        }
      >
        <div class="grid staff-grid">
          <For each={staff()}>
            {(s) => (
              <button
                type="button"
                class={who() === s.staffId ? 'tile selected' : 'tile'}
                onClick={() => setWho(s.staffId)}
                data-testid="pin-staff"
              >
                {s.name || 'Staff'}
              </button>
            )}
          </For>
        </div>
        <Show when={who()}>
          <div class="pin-dots" data-testid="pin-dots" aria-live="polite">
            <span aria-hidden="true">{'•'.repeat(pin().length) || ' '}</span>
            <span class="visually-hidden">{pin().length} digits entered</span>
          </div>
          <div class="grid pin-pad">
            <For each={['1', '2', '3', '4', '5', '6', '7', '8', '9']}>
              {(d) => (
                <button
                  type="button"
                  class="tile"
                  onClick={() => press(d)}
                  data-testid={`pin-${d}`}
                >
                  {d}
                </button>
              )}
            </For>
            <button type="button" class="tile" onClick={() => setPin('')}>
              Clear
            </button>
            <button type="button" class="tile" onClick={() => press('0')} data-testid="pin-0">
              0
            </button>
            <button
              type="button"
              class="tile primary"
              onClick={submit}
              disabled={busy()}
              data-testid="pin-ok"
            >
              {busy() ? 'Checking…' : 'OK'}
            </button>
          </div>
        </Show>
      </Show>
      <Show when={shown()}>
        <p class="error" role="alert" data-testid="pin-error">
          {shown()}
        </p>
      </Show>
    </main>
  );
}
