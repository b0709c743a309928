import { createSignal, type JSX, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { config } from '../config.ts';
import { useTill } from '../state/till-store.tsx';
import { AttentionScreen } from './attention-screen.tsx';
import { EnrollScreen } from './enroll-screen.tsx';
import { MoneyScreen } from './money-screen.tsx';
import { PinScreen } from './pin-screen.tsx';
import { RecentScreen } from './recent-screen.tsx';
import { SellScreen } from './sell-screen.tsx';
import { StatusBar } from './status-bar.tsx';
import { UpdatePrompt } from './update-prompt.tsx';

const TABS: { id: string; label: string; view: () => JSX.Element }[] = [
  { id: 'sell', label: 'Sell', view: SellScreen },
  { id: 'topup', label: 'Top up', view: () => <MoneyScreen kind="topup" /> },
  { id: 'cashout', label: 'Cash out', view: () => <MoneyScreen kind="cashout" /> },
  { id: 'recent', label: 'Recent', view: RecentScreen },
  { id: 'attention', label: 'Attention', view: AttentionScreen },
];

/**
 * Signs staff out after a quiet spell, so an unattended till cannot be used.
 * Timers stand still while a device sleeps, so the wall clock decides: when
 * the page shows again, and before the first tap after a long quiet acts.
 * The wall clock can be set back, though, which would keep an unattended
 * till signed in for as long again: the monotonic clock counts too.
 */
function useIdleSignOut() {
  const till = useTill();
  let lastActivity = { wall: Date.now(), mono: performance.now() };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quietFor = () =>
    Math.max(Date.now() - lastActivity.wall, performance.now() - lastActivity.mono);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, config.idleSignOutMs - quietFor()));
  };
  /** Signs out when the quiet spell is over; true if it did. */
  function check(): boolean {
    if (!till.staff() || quietFor() < config.idleSignOutMs) {
      if (till.staff()) arm();
      return false;
    }
    till.setStaff(null);
    return true;
  }
  const onActivity = (event: Event) => {
    // The tap that wakes a till left alone too long only signs out: it sells nothing.
    if (check()) {
      event.preventDefault();
      event.stopPropagation();
    }
    lastActivity = { wall: Date.now(), mono: performance.now() };
    arm();
  };
  const onShown = () => {
    if (document.visibilityState === 'visible') check();
  };
  onMount(() => {
    for (const event of ['pointerdown', 'keydown'])
      window.addEventListener(event, onActivity, { capture: true });
    document.addEventListener('visibilitychange', onShown);
    window.addEventListener('pageshow', onShown);
    arm();
  });
  onCleanup(() => {
    clearTimeout(timer);
    for (const event of ['pointerdown', 'keydown'])
      window.removeEventListener(event, onActivity, { capture: true });
    document.removeEventListener('visibilitychange', onShown);
    window.removeEventListener('pageshow', onShown);
  });
}

export function App(props: { updateReady: () => boolean; applyUpdate: () => void }) {
  const till = useTill();
  const [tab, setTab] = createSignal('sell');
  const [reenrolling, setReenrolling] = createSignal(false);
  useIdleSignOut();
  return (
    <div class="app">
      <StatusBar onReenroll={() => setReenrolling(true)} />
      <UpdatePrompt ready={props.updateReady} apply={props.applyUpdate} />
      <Switch
        fallback={
          <main class="screen narrow">
            <Show when={till.storageFailure()} fallback="Opening the till…">
              {(failure) => (
                <p class="error" role="alert" data-testid="storage-failure">
                  {failure()}
                </p>
              )}
            </Show>
          </main>
        }
      >
        <Match when={till.device() === null}>
          <EnrollScreen />
        </Match>
        <Match when={till.device() && reenrolling()}>
          <EnrollScreen again={{ done: () => setReenrolling(false) }} />
        </Match>
        <Match when={till.device() && !till.staff()}>
          <PinScreen />
        </Match>
        <Match when={till.device() && till.staff()}>
          <nav class="tabs main-tabs">
            {TABS.map((t) => (
              <button
                type="button"
                class={tab() === t.id ? 'tab selected' : 'tab'}
                onClick={() => setTab(t.id)}
                data-testid={`tab-${t.id}`}
              >
                {t.label}
                <Show when={t.id === 'attention' && till.attentionCount() > 0}>
                  {' '}
                  ({till.attentionCount()})
                </Show>
              </button>
            ))}
            <button
              type="button"
              class="tab"
              onClick={() => till.setStaff(null)}
              data-testid="sign-out"
            >
              {till.staff()?.name} · Sign out
            </button>
          </nav>
          <Dynamic component={TABS.find((t) => t.id === tab())?.view ?? SellScreen} />
        </Match>
      </Switch>
    </div>
  );
}
