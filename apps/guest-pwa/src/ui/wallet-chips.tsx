import type { GuestWallet } from '@niteos/schema/wire';
import { createSignal, For, Show } from 'solid-js';

// Shared by the wallet and NiteTap screens: the band picked on one is the
// band shown on the other.
const [picked, setPicked] = createSignal<string | null>(null);

/** Shows `nitetapId` on both screens, as if the guest had picked it: e.g. a band just added. */
export const pickWallet = (nitetapId: string) => setPicked(nitetapId);

/**
 * The wristband the guest picked, kept by its tag: the list refreshes every
 * few seconds, and a position in it could come to mean another band, whose
 * QR the bar would then charge. Until the guest picks, the first active
 * one: after a replacement the lost band, blocked and empty, comes first.
 */
export function createWalletChoice(wallets: () => GuestWallet[]) {
  const chosen = () =>
    wallets().find((w) => w.nitetapId === picked()) ??
    wallets().find((w) => w.status === 'active') ??
    wallets()[0];
  return { chosen, pick: pickWallet };
}

/** Picks one of several wristbands; hidden when the guest has only one. */
export function WalletChips(props: {
  wallets: GuestWallet[];
  selected: string | undefined;
  onSelect: (nitetapId: string) => void;
}) {
  return (
    <Show when={props.wallets.length > 1}>
      <div class="chips" role="tablist" aria-label="Your wristbands">
        <For each={props.wallets}>
          {(w) => (
            <button
              type="button"
              role="tab"
              aria-selected={w.nitetapId === props.selected}
              onClick={() => props.onSelect(w.nitetapId)}
            >
              {w.nitetapId.toUpperCase()}
            </button>
          )}
        </For>
      </div>
    </Show>
  );
}
