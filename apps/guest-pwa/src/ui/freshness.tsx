import { createSignal, Match, onCleanup, Switch } from 'solid-js';
import type { Live } from '../data/live.ts';
import { ago, clock } from '../format.ts';

const [now, setNow] = createSignal(Date.now());
setInterval(() => setNow(Date.now()), 30_000);

/**
 * Says how old the data on screen is: fresh, or stale with the time it was
 * fetched, or that nothing could be loaded yet, always with a way to retry.
 */
export function Freshness(props: { live: Live<unknown>; what: string }) {
  const [busy, setBusy] = createSignal(false);
  let alive = true;
  onCleanup(() => {
    alive = false;
  });
  const retry = async () => {
    setBusy(true);
    await props.live.refresh();
    if (alive) setBusy(false);
  };
  const fetched = () => props.live.fetchedAt();
  return (
    <Switch>
      <Match when={props.live.freshness() === 'loading' && fetched() === null}>
        <p class="freshness" role="status">
          Loading {props.what}…
        </p>
      </Match>
      <Match when={props.live.freshness() === 'stale'}>
        <p class="freshness stale" role="status" data-testid="stale">
          {props.live.staleBecause() === 'offline' ? 'Offline' : 'NiteOS is not answering'}: showing{' '}
          {props.what} from {ago(fetched() ?? 0, now())}
          {fetched() ? ` (${clock(fetched() ?? 0)})` : ''}.{' '}
          <button type="button" class="link" disabled={busy()} onClick={retry}>
            Try again
          </button>
        </p>
      </Match>
      <Match when={props.live.freshness() === 'failed'}>
        <p class="freshness failed" role="alert" data-testid="failed">
          Could not load {props.what}: {props.live.error()}{' '}
          <button type="button" class="link" disabled={busy()} onClick={retry}>
            Try again
          </button>
        </p>
      </Match>
      <Match when={fetched() !== null}>
        <p class="freshness" data-testid="fresh">
          Updated {ago(fetched() ?? 0, now())}
        </p>
      </Match>
    </Switch>
  );
}
