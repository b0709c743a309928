import { createEffect, createSignal, Show } from 'solid-js';
import { staffSignedInAnywhere } from '../state/staff-presence.ts';
import { useTill } from '../state/till-store.tsx';
import { updateAppliesItself } from './update-policy.ts';

/**
 * A new version of the till is ready: it installs itself while nobody is
 * signed in on any tab of the till and no op waits (see update-policy.ts);
 * otherwise staff choose when, so an update never signs a bartender out in
 * the middle of an order.
 */
export function UpdatePrompt(props: { ready: () => boolean; apply: () => void }) {
  const till = useTill();
  const [dismissed, setDismissed] = createSignal(false);
  createEffect(() => {
    if (!props.ready() || till.staff() !== null) return;
    const queued = till.queue().count;
    const syncing = till.sync().syncing;
    // Another tab's bartender, if any, is asked there; the last tab to sign out installs it.
    void staffSignedInAnywhere().then((signedInAnywhere) => {
      if (updateAppliesItself({ signedInAnywhere, queued, syncing })) props.apply();
    });
  });
  return (
    <Show when={props.ready() && !dismissed()}>
      <div class="banner update" data-testid="update-ready">
        <span>
          A new version of the till is ready. Updating restarts the till: finish the order first,
          then sign in again.
          <Show when={till.queue().count > 0}>
            {' '}
            The {till.queue().count} ops waiting to sync are kept.
          </Show>{' '}
          With Later, it installs itself when nobody is signed in and every op has synced.
        </span>
        <button type="button" class="primary" onClick={props.apply}>
          Update now
        </button>
        <button type="button" class="secondary" onClick={() => setDismissed(true)}>
          Later
        </button>
      </div>
    </Show>
  );
}
