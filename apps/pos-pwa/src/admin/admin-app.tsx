import type { LoginResponse } from '@niteos/schema/wire';
import { createMemo, createResource, createSignal, For, Match, Show, Switch } from 'solid-js';
import { createAdminApi } from './admin-api.ts';
import { AnalyticsScreen } from './analytics-screen.tsx';
import { ConflictsScreen } from './conflicts-screen.tsx';
import { MarketScreen } from './market-screen.tsx';
import { PeopleScreen } from './people-screen.tsx';
import { AuditScreen, ReportScreen } from './report-screen.tsx';
import { SettingsScreen } from './settings-screen.tsx';
import { createAction } from './use-action.ts';

const SESSION_KEY = 'niteos-admin-session';

/**
 * The back office under /pos/admin, loaded only when an admin opens it.
 * Needs the network; the session lives in this tab only.
 */
export function AdminApp() {
  const saved = sessionStorage.getItem(SESSION_KEY);
  const [session, setSession] = createSignal<LoginResponse | null>(
    saved ? (JSON.parse(saved) as LoginResponse) : null,
  );
  const api = createAdminApi(() => session()?.accessToken ?? null);
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const login = createAction();
  const [tab, setTab] = createSignal('conflicts');
  const [venueId, setVenueId] = createSignal('');
  const [venues, { refetch: refetchVenues }] = createResource(session, async () => {
    const list = (await api.venues()).venues;
    if (!list.some((v) => v.id === venueId())) setVenueId(list[0]?.id ?? '');
    return list;
  });
  const venue = createMemo(() => venues()?.find((v) => v.id === venueId()));
  const [tills] = createResource(venueId, (id) =>
    id ? api.tills(id) : Promise.resolve({ tills: [] }),
  );
  const tillNames = createMemo(
    () => new Map((tills()?.tills ?? []).map((t) => [t.tillId, t.name])),
  );

  async function signIn(e: Event) {
    e.preventDefault();
    const res = await login.run(() => api.login(email(), password()));
    if (!res) return;
    if (res.user.role !== 'venue_admin' && res.user.role !== 'nitecore_admin') {
      login.run(() =>
        Promise.reject(new Error('The back office is for venue and Nitecore admins.')),
      );
      return;
    }
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(res));
    setSession(res);
  }
  const signOut = () => {
    sessionStorage.removeItem(SESSION_KEY);
    setSession(null);
  };
  const tabs = () => [
    ['conflicts', 'Conflicts'],
    ['market', 'Market'],
    ['people', 'Staff & tills'],
    ['settings', 'Settings & wristbands'],
    ['report', 'Night report'],
    ['analytics', 'Tonight & analytics'],
    ...(session()?.user.role === 'nitecore_admin' ? [['audit', 'Audit log']] : []),
  ];

  return (
    <div class="app admin" data-testid="admin">
      <header class="status">
        <div class="status-row">
          <strong>NiteOS back office</strong>
          <a href="/pos/" class="pill">
            Till
          </a>
          <Show when={session()}>
            <select
              value={venueId()}
              onChange={(e) => setVenueId(e.currentTarget.value)}
              aria-label="venue"
              data-testid="admin-venue"
            >
              <For each={venues() ?? []}>{(v) => <option value={v.id}>{v.name}</option>}</For>
            </select>
            <button type="button" class="secondary small" onClick={signOut}>
              Sign out
            </button>
          </Show>
        </div>
      </header>
      <Show
        when={session()}
        fallback={
          <main class="screen narrow">
            <h1>Admin sign-in</h1>
            <form class="stack" onSubmit={signIn}>
              <input
                type="email"
                placeholder="email"
                autocomplete="username"
                value={email()}
                onInput={(e) => setEmail(e.currentTarget.value)}
                required
                data-testid="admin-email"
              />
              <input
                type="password"
                placeholder="password"
                autocomplete="current-password"
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
                required
                data-testid="admin-password"
              />
              <button
                type="submit"
                class="primary big"
                disabled={login.busy()}
                data-testid="admin-signin"
              >
                Sign in
              </button>
            </form>
            <Show when={login.message()}>{(m) => <p class="error">{m().text}</p>}</Show>
          </main>
        }
      >
        <nav class="tabs main-tabs no-print">
          <For each={tabs()}>
            {([id, label]) => (
              <button
                type="button"
                class={tab() === id ? 'tab selected' : 'tab'}
                onClick={() => setTab(id as string)}
                data-testid={`admin-tab-${id}`}
              >
                {label}
              </button>
            )}
          </For>
        </nav>
        <main class="screen">
          <Show
            when={venue()}
            fallback={
              <p class="muted">{venues.error ? String(venues.error) : 'Loading venues…'}</p>
            }
          >
            {(v) => (
              <Switch>
                <Match when={tab() === 'conflicts'}>
                  <ConflictsScreen api={api} venueId={v().id} />
                </Match>
                <Match when={tab() === 'market'}>
                  <MarketScreen api={api} venueId={v().id} />
                </Match>
                <Match when={tab() === 'people'}>
                  <PeopleScreen api={api} venueId={v().id} />
                </Match>
                <Match when={tab() === 'settings'}>
                  <SettingsScreen api={api} venue={v()} onSaved={() => refetchVenues()} />
                </Match>
                <Match when={tab() === 'report'}>
                  <ReportScreen api={api} venueId={v().id} tillNames={tillNames()} />
                </Match>
                <Match when={tab() === 'analytics'}>
                  <AnalyticsScreen api={api} venueId={v().id} />
                </Match>
                <Match when={tab() === 'audit'}>
                  <AuditScreen api={api} venueId={v().id} />
                </Match>
              </Switch>
            )}
          </Show>
        </main>
      </Show>
    </div>
  );
}
