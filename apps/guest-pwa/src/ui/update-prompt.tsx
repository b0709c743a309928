import { createSignal, Show } from 'solid-js';

/** A new version of the app waits: the guest decides when it reloads (never mid-song or mid-claim). */
export function UpdatePrompt(props: { ready: () => boolean; apply: () => void }) {
  const [later, setLater] = createSignal(false);
  return (
    <Show when={props.ready() && !later()}>
      <div class="banner" role="status" data-testid="update-ready">
        A new version of NiteOS is ready.
        <button type="button" class="primary" onClick={props.apply}>
          Reload
        </button>
        <button type="button" onClick={() => setLater(true)}>
          Later
        </button>
      </div>
    </Show>
  );
}
