import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { renderSVG } from 'uqr';
import { createMyWallets } from '../data/my-wallets.ts';
import { session } from '../data/session.ts';
import { Link } from '../router.tsx';
import { Freshness } from './freshness.tsx';
import { createWalletChoice, WalletChips } from './wallet-chips.tsx';

/**
 * Keeps the screen on while the QR is shown, where the browser allows it,
 * and takes the lock again when the page comes back into view.
 */
function useWakeLock() {
  const [held, setHeld] = createSignal(false);
  let lock: WakeLockSentinel | null = null;
  const acquire = async () => {
    if (!('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
    try {
      lock = await navigator.wakeLock.request('screen');
      setHeld(true);
      lock.addEventListener('release', () => setHeld(false));
    } catch {
      setHeld(false);
    }
  };
  const onVisible = () => void acquire();
  onMount(() => {
    void acquire();
    document.addEventListener('visibilitychange', onVisible);
  });
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisible);
    void lock?.release();
  });
  return held;
}

/** The guest's NiteTap as a large QR code for the till's camera. */
export default function TapScreen() {
  const live = createMyWallets();
  const awake = useWakeLock();
  const wallets = () => live.data()?.wallets.filter((w) => w.status === 'active') ?? [];
  const { chosen, pick } = createWalletChoice(wallets);
  const tag = () => chosen()?.nitetapId;
  return (
    <Show
      when={session()}
      fallback={
        <section class="card">
          <h1>My NiteTap</h1>
          <p>Sign in and add your wristband to show it here as a QR code.</p>
          <Link class="button primary" href="/account">
            Sign in
          </Link>
        </section>
      }
    >
      <h1>My NiteTap</h1>
      <Freshness live={live} what="your wristbands" />
      <Show
        when={tag()}
        fallback={
          <Show when={live.data()}>
            <section class="card">
              <p>No active wristband yet.</p>
              <Link class="button primary" href="/claim">
                Add a wristband
              </Link>
            </section>
          </Show>
        }
      >
        {(t) => (
          <section class="card tap">
            <div
              class="qr"
              role="img"
              aria-label={`QR code of NiteTap ${t().toUpperCase()}`}
              data-testid="nitetap-qr"
              data-nitetap={t()}
              // uqr renders an SVG string of black and white modules from the tag id alone.
              innerHTML={renderSVG(t().toUpperCase(), { border: 2 })}
            />
            <p class="tag-id" data-testid="tag-id">
              {t().toUpperCase()}
            </p>
            <p class="muted">
              Show this to the bar to pay or top up.
              {awake() ? ' The screen stays on while it is shown.' : ''}
            </p>
          </section>
        )}
      </Show>
      <WalletChips wallets={wallets()} selected={tag()} onSelect={pick} />
      <p>
        <Link href="/claim">Add another wristband</Link>
      </p>
    </Show>
  );
}
