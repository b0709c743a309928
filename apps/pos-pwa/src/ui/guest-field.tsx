import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js';
import { asOf, nc } from '../format.ts';
import { pendingNcFor } from '../ops/pending.ts';
import { LOOKUP_AGAIN_AFTER_MS, lookupDue } from '../ops/wallet-lookup.ts';
import { createLiveQueryOf } from '../state/live.ts';
import { useTill } from '../state/till-store.tsx';

interface NdefReaderLike {
  scan(options: { signal: AbortSignal }): Promise<void>;
  onreading: ((event: { serialNumber: string }) => void) | null;
  onreadingerror: (() => void) | null;
}

const nextLookup = new Map<string, number>();

/**
 * Identifies the guest: Web NFC where the browser has it, the guest app's
 * QR code through the camera (loaded only when used), or typing the tag id.
 * Online, a tag this till has no snapshot of is looked up on the server.
 */
export function GuestField(props: { value: string; onChange: (tag: string) => void }) {
  const till = useTill();
  const [message, setMessage] = createSignal<string | null>(null);
  const hasNfc = typeof window !== 'undefined' && 'NDEFReader' in window;
  const tag = () => props.value.trim().toLowerCase();
  const wallet = createLiveQueryOf(
    tag,
    async (t) => {
      if (!t) return null;
      const [snapshot, blocked] = await Promise.all([
        till.db.wallets.get(t),
        till.db.blocked.get(t),
      ]);
      const pending = await pendingNcFor(till.db, t, snapshot !== undefined);
      return { snapshot, blocked: blocked !== undefined, pending };
    },
    null,
  );

  const [lookup, setLookup] = createSignal<{ tag: string; state: 'looking' | 'unknown' } | null>(
    null,
  );
  createEffect(
    on([tag, wallet, till.online], ([t, w, isOnline]) => {
      if (!w || !lookupDue(t, w, isOnline, Date.now(), nextLookup.get(t))) return;
      // After a pause in typing, not for each key.
      const timer = setTimeout(async () => {
        nextLookup.set(t, Number.POSITIVE_INFINITY);
        setLookup({ tag: t, state: 'looking' });
        const outcome = await till.lookupWallet(t);
        nextLookup.set(t, Date.now() + LOOKUP_AGAIN_AFTER_MS[outcome]);
        setLookup(outcome === 'unknown' ? { tag: t, state: 'unknown' } : null);
      }, 300);
      onCleanup(() => clearTimeout(timer));
    }),
  );
  const lookupState = () => (lookup()?.tag === tag() ? lookup()?.state : undefined);

  /** The scan running, if any: one at a time, stopped after a read and when the field goes. */
  let scanning: AbortController | null = null;
  const stopScan = () => {
    scanning?.abort();
    scanning = null;
  };
  onCleanup(stopScan);

  async function tapNfc() {
    stopScan();
    const controller = new AbortController();
    scanning = controller;
    try {
      const Reader = (window as unknown as { NDEFReader: new () => NdefReaderLike }).NDEFReader;
      const reader = new Reader();
      reader.onreading = (event) => {
        props.onChange(event.serialNumber.replace(/:/g, '').toLowerCase());
        setMessage(null);
        if (scanning === controller) stopScan();
      };
      reader.onreadingerror = () =>
        setMessage('That wristband could not be read: hold it still against the device.');
      await reader.scan({ signal: controller.signal });
      if (!controller.signal.aborted) setMessage('Hold the wristband to the device…');
    } catch (err) {
      // Stopped on purpose (a read, another tap, the screen closing): nothing failed.
      if (controller.signal.aborted) return;
      if (scanning === controller) scanning = null;
      setMessage(`NFC unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function scanQr() {
    setMessage('Opening the camera…');
    try {
      const { scanQrOnce } = await import('./qr-scan.ts');
      const text = await scanQrOnce();
      if (text !== null) props.onChange(text.trim().toLowerCase());
      setMessage(null);
    } catch (err) {
      setMessage(`Scan failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return (
    <section class="guest" data-testid="guest">
      <label class="guest-input">
        Guest tag
        <input
          inputmode="text"
          autocomplete="off"
          placeholder="tap, scan or type the tag id"
          value={props.value}
          onInput={(e) => props.onChange(e.currentTarget.value)}
          data-testid="guest-tag"
        />
      </label>
      <div class="row">
        <Show when={hasNfc}>
          <button type="button" class="secondary" onClick={tapNfc}>
            Tap NFC
          </button>
        </Show>
        <button type="button" class="secondary" onClick={scanQr}>
          Scan QR
        </button>
        <Show when={props.value}>
          <button type="button" class="secondary" onClick={() => props.onChange('')}>
            Clear
          </button>
        </Show>
      </div>
      <Show when={wallet()}>
        {(w) => (
          <p class={w().blocked ? 'error' : 'muted'} data-testid="guest-wallet">
            <Show when={!w().blocked} fallback="Blocked wristband">
              <Show
                when={w().snapshot}
                fallback={
                  lookupState() === 'looking'
                    ? 'Looking the wallet up…'
                    : lookupState() === 'unknown'
                      ? 'No wallet with this tag yet (a top-up makes one)'
                      : 'Wallet not known to this till'
                }
              >
                {(s) => (
                  <>
                    Balance {nc(s().balanceNc)} as of {asOf(s().asOf)}
                  </>
                )}
              </Show>
              {/* With no snapshot, pendingNc also holds what the server has held: not "not yet synced". */}
              <Show when={w().pending > 0}>
                {' '}
                · {nc(w().pending)} {w().snapshot ? 'not yet synced' : 'already taken here'}
              </Show>
            </Show>
          </p>
        )}
      </Show>
      <Show when={message()}>
        <p class="muted">{message()}</p>
      </Show>
    </section>
  );
}
