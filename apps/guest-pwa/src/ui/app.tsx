import {
  createEffect,
  createSignal,
  ErrorBoundary,
  For,
  type JSX,
  lazy,
  Match,
  on,
  onCleanup,
  Show,
  Switch,
} from 'solid-js';
import { venueSlug } from '../data/venue.ts';
import { createVenue } from '../data/venue-data.ts';
import { currentPath, Link } from '../router.tsx';
import { WalletScreen } from './wallet-screen.tsx';

// The wallet opens first and ships in the entry chunk; every other screen loads when opened
// (and is precached by the service worker, so it opens offline too).
const TapScreen = lazy(() => import('./tap-screen.tsx'));
const FeedScreen = lazy(() => import('./feed-screen.tsx'));
const MarketScreen = lazy(() => import('./market-screen.tsx'));
const RadioScreen = lazy(() => import('./radio-screen.tsx'));
const VenuesScreen = lazy(() => import('./venues-screen.tsx'));
const AccountScreen = lazy(() => import('./account-screen.tsx'));
const ClaimScreen = lazy(() => import('./claim-screen.tsx'));

const TABS = [
  { href: '/', label: 'Wallet' },
  { href: '/tap', label: 'NiteTap' },
  { href: '/feed', label: 'Feed' },
  { href: '/market', label: 'Market' },
  { href: '/radio', label: 'Radio' },
];

function useOnline() {
  const [online, setOnline] = createSignal(navigator.onLine);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });
  return online;
}

/**
 * A screen that failed to load or draw. Usually its code: a release went
 * out since this page loaded, and the old chunk's file is gone. A reload
 * gets the new release; going to another screen tries that one afresh.
 */
function ScreenFailed(props: { reset: () => void }) {
  createEffect(on(currentPath, () => props.reset(), { defer: true }));
  return (
    <section class="card" role="alert" data-testid="screen-failed">
      <p>This screen could not be opened. A new version of NiteOS may be out.</p>
      <button type="button" class="primary" onClick={() => location.reload()}>
        Reload
      </button>
    </section>
  );
}

/** The header's venue: its name once known (the slug until then), or the way to pick one. */
function VenueLink() {
  const venue = createVenue();
  return (
    <Link href="/venues" class="venue">
      {venueSlug() && !venue.missing() ? (venue.data()?.name ?? venueSlug()) : 'Choose venue'}
    </Link>
  );
}

export function App(props: { banner?: JSX.Element }) {
  const online = useOnline();
  const path = currentPath;
  const is = (p: string) => path() === p;
  return (
    <div class="app">
      <header class="top">
        <Link href="/" class="brand">
          NiteOS
        </Link>
        <VenueLink />
        <Show when={!online()}>
          <span class="pill offline" role="status" data-testid="offline">
            Offline
          </span>
        </Show>
        <Link href="/account" class="account">
          Account
        </Link>
      </header>
      {props.banner}
      <main>
        <ErrorBoundary fallback={(_err, reset) => <ScreenFailed reset={reset} />}>
          <Switch fallback={<WalletScreen />}>
            <Match when={is('/tap')}>
              <TapScreen />
            </Match>
            <Match when={is('/feed') || path().startsWith('/v/')}>
              <FeedScreen />
            </Match>
            <Match when={is('/market')}>
              <MarketScreen />
            </Match>
            <Match when={is('/radio')}>
              <RadioScreen />
            </Match>
            <Match when={is('/venues')}>
              <VenuesScreen />
            </Match>
            <Match when={is('/account')}>
              <AccountScreen />
            </Match>
            <Match when={is('/claim')}>
              <ClaimScreen />
            </Match>
          </Switch>
        </ErrorBoundary>
      </main>
      <nav class="tabs" aria-label="Screens">
        <For each={TABS}>
          {(tab) => (
            <Link href={tab.href} aria-current={is(tab.href) ? 'page' : undefined}>
              {tab.label}
            </Link>
          )}
        </For>
      </nav>
    </div>
  );
}
