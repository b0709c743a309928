import { createSignal, onCleanup, Show } from 'solid-js';
import { config } from '../config.ts';
import { stillResending } from '../db/database.ts';
import { ago } from '../format.ts';
import { useTill } from '../state/till-store.tsx';

/** Always in view: online, server trouble or offline, ops waiting and how old, last sync, last error, revocation. */
export function StatusBar(props: { onReenroll: () => void }) {
  const till = useTill();
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 5000);
  onCleanup(() => clearInterval(tick));
  /** Reached, but its last answer was a refusal or a failure (shown in full below). */
  const troubled = () => till.online() && till.sync().lastError !== null;
  /** Ops the server had lost, queued again, of which some still wait. */
  const resending = () => stillResending(till.resent(), till.queue().oldestSeq);
  const stale = () => {
    const oldest = till.queue().oldest;
    return oldest !== null && now() - oldest > config.staleQueueMs;
  };
  const stalePull = () => {
    const last = till.lastPullAt();
    return last !== null && now() - last > config.stalePullMs;
  };
  return (
    <header class="status" data-testid="status">
      <div class="status-row">
        <span
          class={
            till.sync().localFailure || troubled()
              ? 'pill warn'
              : till.online()
                ? 'pill ok'
                : 'pill off'
          }
          data-testid="status-online"
        >
          {till.sync().localFailure
            ? 'Till storage problem'
            : troubled()
              ? 'Server problem'
              : till.online()
                ? 'Online'
                : 'Offline'}
        </span>
        <span class="pill" data-testid="status-queue">
          {till.queue().count} waiting
          <Show when={till.queue().oldest !== null}>
            {' '}
            · oldest {ago(till.queue().oldest, now())}
          </Show>
        </span>
        <span class="pill muted" data-testid="status-last-sync">
          synced {ago(till.lastSyncAt(), now())}
        </span>
        <Show when={till.attentionCount() > 0}>
          <span class="pill warn" data-testid="status-attention">
            {till.attentionCount()} need attention
          </span>
        </Show>
      </div>
      <Show when={till.revoked()}>
        <div class="banner revoked" role="alert" data-testid="status-revoked">
          This till has been revoked. Sales still record here, but the server holds every one of
          them: none is credited until an admin settles it. Call a manager.
        </div>
      </Show>
      <Show when={till.sync().unknownTill}>
        <div class="banner revoked" role="alert" data-testid="status-unknown-till">
          The server does not know this till any more, so nothing leaves it. Selling goes on and
          every op is kept. A venue admin can re-enroll it:{' '}
          <button
            type="button"
            class="secondary"
            onClick={() => props.onReenroll()}
            data-testid="reenroll"
          >
            Re-enroll this till
          </button>
        </div>
      </Show>
      <Show when={resending()}>
        {(resent) => (
          <div class="banner" role="status" data-testid="status-resent">
            The server no longer had {resent().count} of this till's ops (restored from a backup?):
            they are being sent again. Selling goes on.
          </div>
        )}
      </Show>
      <Show when={till.sync().lastError}>
        <div
          class="status-error"
          title={till.sync().lastErrorDetail ?? undefined}
          data-testid="status-error"
        >
          {till.sync().lastError}
        </div>
      </Show>
      <Show when={stale()}>
        <div class="banner" data-testid="status-stale">
          Ops have waited over {Math.round(config.staleQueueMs / 60_000)} minutes:{' '}
          {till.sync().localFailure
            ? "this till's storage is failing (see above)."
            : 'check the Wi-Fi. Selling goes on.'}
        </div>
      </Show>
      <Show when={stalePull()}>
        <div class="banner" data-testid="status-stale-pull">
          Staff, wristbands, prices and balances last came from the server{' '}
          {ago(till.lastPullAt(), now())}: a change made since (a bartender disabled, a wristband
          reported lost) may not be known here yet. Selling goes on.
        </div>
      </Show>
      <Show when={till.storageWarning()}>
        <div class="banner" data-testid="storage-warning">
          {till.storageWarning()}
        </div>
      </Show>
    </header>
  );
}
