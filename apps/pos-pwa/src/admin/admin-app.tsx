import {
  createEffect,
  createMemo,
  createResource,
  createSignal,
  For,
  Match,
  on,
  Show,
  Switch,
} from 'solid-js';
import { createAdminApi } from './admin-api.ts';
import { createRequest } from './admin-http.ts';
import { createAdminSession } from './admin-session.ts';
import { AnalyticsScreen } from './analytics-screen.tsx';
import { ConflictsScreen } from './conflicts-screen.tsx';
import { FeedScreen } from './feed-screen.tsx';
import { Loaded } from './loaded.tsx';
import { MarketScreen } from './market-screen.tsx';
import { PeopleScreen } from './people-screen.tsx';
import { AuditScreen, ReportScreen } from './report-screen.tsx';
import { SettingsScreen } from './settings-screen.tsx';
import { createAction } from './use-action.ts';
import { VenueCreate } from './venue-create.tsx';

/**
 * The back office under /pos/admin, loaded only when an admin opens it.
 * Needs the network; the session lives in this tab only.
 */
export function AdminApp() {
  const request = createRequest();
  const session = createAdminSession(request);
  const api = createAdminApi(session, request);
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const login = createAction();
  const [tab, setTab] = createSignal('conflicts');
  const [venueId, setVenueId] = createSignal('');
  // Keyed on the user, not the session: a renewed token is the same admin, no reload needed.
  const loadVenues = async () => {
    const list = (await api.venues()).venues;
    if (!list.some((v) => v.id === venueId())) setVenueId(list[0]?.id ?? '');
    return list;
  };
  const [venues, { refetch: refetchVenues, mutate: setVenues }] = createResource(
    () => session.current()?.user.id,
    loadVenues,
  );
  // A resource keeps its value when its key goes: the next admin must not see this one's venues.
  createEffect(
    on(
      () => session.current()?.user.id,
      (user) => {
        if (user) return;
        setVenues(undefined);
        setVenueId('');
      },
    ),
  );
  /**
   * The list again after a change made on a screen. Not a refetch: a failed
   * one would put the whole back office behind "Retry" and take the screen's
   * "Saved" or "Created" with it, as if the change had failed. Whether it
   * loaded is returned; the list shown stays as it was when it did not.
   */
  const reloadVenues = () =>
    loadVenues().then(
      (list) => {
        setVenues(list);
        return true;
      },
      () => false,
    );
  const venueList = () => (venues.state === 'errored' ? [] : (venues() ?? []));
  const venue = createMemo(() => venueList().find((v) => v.id === venueId()));

  async function signIn(e: Event) {
    e.preventDefault();
    const res = await login.run(() => api.login(email(), password()));
    if (!res) return;
    // On a shared tablet the form comes back at sign-out: it must not hold the password.
    setPassword('');
    setTab('conflicts');
    if (res.user.role !== 'venue_admin' && res.user.role !== 'nitecore_admin') {
      login.run(() =>
        Promise.reject(new Error('The back office is for venue and Nitecore admins.')),
      );
      return;
    }
    session.start(res);
  }
  const nitecore = () => session.current()?.user.role === 'nitecore_admin';
  const tabs = () => [
    ['conflicts', 'Conflicts'],
    ['market', 'Market'],
    ['feed', 'Feed'],
    ['people', 'Staff & tills'],
    ['settings', 'Settings & wristbands'],
    ['report', 'Night report'],
    ['analytics', 'Tonight & analytics'],
    ...(nitecore()
      ? [
          ['audit', 'Audit log'],
          ['venues', 'New venue'],
        ]
      : []),
  ];

  return (
    <div class="app admin" data-testid="admin">
      <header class="status">
        <div class="status-row">
          <strong>NiteOS back office</strong>
          <a href="/pos/" class="pill">
            Till
          </a>
          <Show when={session.current()}>
            <select
              onChange={(e) => setVenueId(e.currentTarget.value)}
              aria-label="venue"
              data-testid="admin-venue"
            >
              {/* Picked by each option, not the select's value: a reloaded list gives new
                  options, and the browser would show the first while venueId() stays. */}
              <For each={venueList()}>
                {(v) => (
                  <option value={v.id} selected={v.id === venueId()}>
                    {v.name}
                  </option>
                )}
              </For>
            </select>
            <button
              type="button"
              class="secondary small"
              onClick={() => session.signOut()}
              data-testid="admin-signout"
            >
              Sign out
            </button>
          </Show>
        </div>
      </header>
      <Show
        when={session.current()}
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
            <Show when={login.message()?.text ?? session.notice()}>
              {(text) => (
                <p class="error" role="alert" data-testid="admin-signin-message">
                  {text()}
                </p>
              )}
            </Show>
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
          <Loaded resource={venues} retry={refetchVenues}>
            {() => (
              // Keyed on the venue: each screen starts over with the picked venue's data,
              // so nothing typed or loaded for one venue is shown or saved for another.
              <Show
                when={tab() !== 'venues' && venue()?.id}
                keyed
                fallback={
                  <Show when={nitecore()} fallback={<p class="muted">No venue yet.</p>}>
                    <VenueCreate
                      api={api}
                      onCreated={async (id) => {
                        if (!(await reloadVenues())) return false;
                        setVenueId(id);
                        setTab('settings');
                        return true;
                      }}
                    />
                  </Show>
                }
              >
                {(id) => (
                  <Switch>
                    <Match when={tab() === 'conflicts'}>
                      <ConflictsScreen api={api} venueId={id} />
                    </Match>
                    <Match when={tab() === 'market'}>
                      <MarketScreen api={api} venueId={id} />
                    </Match>
                    <Match when={tab() === 'feed'}>
                      <FeedScreen api={api} venueId={id} />
                    </Match>
                    <Match when={tab() === 'people'}>
                      <PeopleScreen api={api} venueId={id} selfId={session.current()?.user.id} />
                    </Match>
                    <Match when={tab() === 'settings'}>
                      <SettingsScreen api={api} venueId={id} onSaved={reloadVenues} />
                    </Match>
                    <Match when={tab() === 'report' && venue()}>
                      {(v) => <ReportScreen api={api} venueId={id} venueName={v().name} />}
                    </Match>
                    <Match when={tab() === 'analytics'}>
                      <AnalyticsScreen api={api} venueId={id} />
                    </Match>
                    <Match when={tab() === 'audit'}>
                      <AuditScreen api={api} venueId={id} />
                    </Match>
                  </Switch>
                )}
              </Show>
            )}
          </Loaded>
        </main>
      </Show>
    </div>
  );
}
