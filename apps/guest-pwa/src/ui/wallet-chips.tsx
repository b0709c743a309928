import type { GuestWallet } from '@niteos/schema/wire';
import { For, Show } from 'solid-js';

/** Picks one of several wristbands; hidden when the guest has only one. */
export function WalletChips(props: {
  wallets: GuestWallet[];
  selected: number;
  onSelect: (index: number) => void;
}) {
  return (
    <Show when={props.wallets.length > 1}>
      <div class="chips" role="tablist" aria-label="Your wristbands">
        <For each={props.wallets}>
          {(w, i) => (
            <button
              type="button"
              role="tab"
              aria-selected={i() === props.selected}
              onClick={() => props.onSelect(i())}
            >
              {w.nitetapId.toUpperCase()}
            </button>
          )}
        </For>
      </div>
    </Show>
  );
}
