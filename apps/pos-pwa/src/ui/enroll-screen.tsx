import { createSignal, For, Show } from 'solid-js';
import {
  enrollDevice,
  reenrollDevice,
  requestPersistentStorage,
  STORAGE_WARNING,
} from '../ops/enroll.ts';
import { useTill } from '../state/till-store.tsx';
import { ApiError } from '../sync/api.ts';

/**
 * Once, online: a venue admin signs in and names this till. With `again`,
 * for a till the server no longer knows: an admin of its own venue signs in
 * and the till gets a new token, keeping its id, key and queued ops.
 */
export function EnrollScreen(props: { again?: { done: () => void } }) {
  const till = useTill();
  const device = () => till.device();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [token, setToken] = createSignal<string | null>(null);
  const [venues, setVenues] = createSignal<{ id: string; name: string }[]>([]);
  const [venueId, setVenueId] = createSignal('');
  const [name, setName] = createSignal(props.again ? (device()?.tillName ?? '') : 'Bar 1');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const explain = (err: unknown) =>
    err instanceof ApiError
      ? err.status === 0
        ? 'No connection to the server: enrolling needs the network.'
        : err.message
      : String(err);

  async function signIn(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const login = await till.api.login(email(), password());
      if (login.user.role !== 'venue_admin' && login.user.role !== 'nitecore_admin') {
        throw new Error('Only a venue admin can enroll a till.');
      }
      const all = (await till.api.venues(login.accessToken)).venues;
      const own = device();
      const list = props.again && own ? all.filter((v) => v.id === own.venueId) : all;
      if (props.again && list.length === 0)
        throw new Error(`This account does not run ${own?.venueName ?? "this till's venue"}.`);
      if (list.length === 0) throw new Error('This account runs no venue yet.');
      setVenues(list);
      setVenueId(login.user.venueId ?? list[0]?.id ?? '');
      setToken(login.accessToken);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  }

  async function enroll(e: Event) {
    e.preventDefault();
    const adminToken = token();
    const venue = venues().find((v) => v.id === venueId());
    if (!adminToken || !venue) return;
    setBusy(true);
    setError(null);
    try {
      if (props.again) {
        await reenrollDevice(till.db, till.api, { adminToken, tillName: name() });
        till.engine.resume();
        props.again.done();
        return;
      }
      await enrollDevice(till.db, till.api, {
        adminToken,
        venueId: venue.id,
        venueName: venue.name,
        tillName: name(),
      });
      if (!(await requestPersistentStorage())) till.setStorageWarning(STORAGE_WARNING);
      await till.engine.pull();
    } catch (err) {
      // The admin's sign-in outlived its token (15 minutes): back to the
      // sign-in form, or this form would fail the same way for good.
      if (err instanceof ApiError && err.status === 401) {
        setToken(null);
        setError('The admin sign-in has expired: sign in again to enroll this till.');
        return;
      }
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="screen narrow" data-testid="enroll">
      <Show
        when={props.again}
        fallback={
          <>
            <h1>Set up this till</h1>
            <p class="muted">
              A venue admin signs in once, online. The till then works without the network.
            </p>
          </>
        }
      >
        {(again) => (
          <>
            <h1>Re-enroll this till</h1>
            <p class="muted">
              The server no longer knows this till (was its database restored from a backup?). An
              admin of {device()?.venueName} signs in to give it a new token. All{' '}
              {till.queue().count} ops waiting here are kept, and sent once it is back.
            </p>
            <button
              type="button"
              class="secondary"
              onClick={() => again().done()}
              data-testid="reenroll-cancel"
            >
              Back to the till
            </button>
          </>
        )}
      </Show>
      <Show
        when={token()}
        fallback={
          <form onSubmit={signIn} class="stack">
            <label>
              Admin email
              <input
                type="email"
                autocomplete="username"
                value={email()}
                onInput={(e) => setEmail(e.currentTarget.value)}
                required
                data-testid="enroll-email"
              />
            </label>
            <label>
              Password
              <input
                type="password"
                autocomplete="current-password"
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
                required
                data-testid="enroll-password"
              />
            </label>
            <button type="submit" class="primary big" disabled={busy()} data-testid="enroll-signin">
              {busy() ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        }
      >
        <form onSubmit={enroll} class="stack">
          <label>
            Venue
            <select
              value={venueId()}
              onChange={(e) => setVenueId(e.currentTarget.value)}
              data-testid="enroll-venue"
            >
              <For each={venues()}>{(v) => <option value={v.id}>{v.name}</option>}</For>
            </select>
          </label>
          <label>
            Till name
            <input
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
              required
              maxLength={120}
              data-testid="enroll-name"
            />
          </label>
          <button type="submit" class="primary big" disabled={busy()} data-testid="enroll-submit">
            {busy() ? 'Enrolling…' : props.again ? 'Re-enroll this till' : 'Enroll this till'}
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="enroll-error">
          {error()}
        </p>
      </Show>
    </main>
  );
}
