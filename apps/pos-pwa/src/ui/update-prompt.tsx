import { createEffect, createSignal, Show } from 'solid-js';
import { useTill } from '../state/till-store.tsx';

/**
 * A new version of the till is ready: it is applied by itself only when no
 * op waits in the queue, or when staff agree.
 */
export function UpdatePrompt(props: { ready: () => boolean; apply: () => void }) {
  const till = useTill();
  const [dismissed, setDismissed] = createSignal(false);
  createEffect(() => {
    if (props.ready() && till.queue().count === 0 && !till.sync().syncing) props.apply();
  });
  return (
    <Show when={props.ready() && !dismissed()}>
      <div class="banner update" data-testid="update-ready">
        A new version of the till is ready. {till.queue().count} ops still wait to sync.
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
