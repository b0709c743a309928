import { createSignal, Show } from 'solid-js';
import { nc } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { ActionMessage } from './loaded.tsx';
import { createAction } from './use-action.ts';

/**
 * Lost wristbands: look one up, then block it, unblock it (found again), or
 * block it and move its balance, XP and, when the guest here is the account
 * that claimed it, its app owner to a new one.
 */
export function LostWristband(props: { api: AdminApi }) {
  const [oldTag, setOldTag] = createSignal('');
  const [newTag, setNewTag] = createSignal('');
  /** The wallet looked up: the buttons act on its tag, whatever the field says now. */
  const [found, setFound] = createSignal<{
    tag: string;
    balanceNc: number;
    status: string;
    /** The guest-app account that claimed it, as a hint (`a…@example.ch`); null when unclaimed. */
    ownerHint: string | null;
  } | null>(null);
  /** Whether the new band goes to that account: not when the guest here is someone else. */
  const [keepOwner, setKeepOwner] = createSignal(true);
  const wristband = createAction();

  const look = async () => {
    const tag = oldTag().trim().toLowerCase();
    const looked = await wristband.run(() =>
      Promise.all([props.api.wallet(tag), props.api.walletOwner(tag)]),
    );
    // A slow answer for a tag no longer typed must not stand in for the one that is.
    if (oldTag().trim().toLowerCase() !== tag) return;
    setKeepOwner(true);
    setFound(
      looked
        ? {
            tag,
            balanceNc: looked[0].balanceNc,
            status: looked[0].status,
            ownerHint: looked[1].emailHint,
          }
        : null,
    );
  };
  /** Blocks or unblocks the wristband looked up, and shows its new status. */
  const setStatus = async (tag: string, status: 'blocked' | 'active') => {
    const done = await wristband.run(
      () => (status === 'blocked' ? props.api.block(tag) : props.api.unblock(tag)),
      status === 'blocked'
        ? 'Blocked: tills refuse it after their next sync'
        : 'Unblocked: tills take it again after their next sync',
    );
    const shown = found();
    if (done !== undefined && shown?.tag === tag) setFound({ ...shown, status });
  };
  const replace = async (tag: string) => {
    const done = await wristband.run(() =>
      props.api.replace(tag, newTag().trim(), 'replaced at the bar', keepOwner()),
    );
    if (done) {
      setFound(null);
      // The next lost band must not be moved into this guest's new one by a leftover.
      setNewTag('');
      wristband.run(
        async () => done,
        `Moved ${nc(done.movedNc)}; the new wristband holds ${nc(done.balanceNc)}. The old one is blocked.`,
      );
    }
  };

  return (
    <>
      <h2>Lost wristband</h2>
      <div class="row">
        <input
          placeholder="lost tag id"
          value={oldTag()}
          onInput={(e) => {
            setOldTag(e.currentTarget.value);
            setFound(null);
          }}
          data-testid="lost-tag"
        />
        <button type="button" class="secondary" disabled={wristband.busy()} onClick={look}>
          Look up
        </button>
      </div>
      <Show when={found()}>
        {(w) => (
          <div class="stack">
            <p data-testid="found-wallet">
              Wristband {w().tag}: balance {nc(w().balanceNc)}, {w().status}.{' '}
              {w().ownerHint
                ? `Claimed in the NiteOS app by ${w().ownerHint}.`
                : 'Not claimed in the NiteOS app.'}
            </p>
            <Show when={w().ownerHint}>
              {(hint) => (
                <label class="row">
                  <input
                    type="checkbox"
                    checked={keepOwner()}
                    onChange={(e) => setKeepOwner(e.currentTarget.checked)}
                    data-testid="keep-owner"
                  />
                  The guest here uses {hint()}: the new wristband goes to that account. Untick if
                  not (whoever found the band may have claimed it): the new one starts unclaimed,
                  and the guest claims it with the code of a top-up on it.
                </label>
              )}
            </Show>
            <div class="row">
              <input
                placeholder="new tag id"
                value={newTag()}
                onInput={(e) => setNewTag(e.currentTarget.value)}
                data-testid="new-tag"
              />
              <button
                type="button"
                class="primary"
                disabled={wristband.busy() || !newTag()}
                onClick={() => replace(w().tag)}
                data-testid="replace-tag"
              >
                Block and move balance
              </button>
              <Show
                when={w().status === 'blocked'}
                fallback={
                  <button
                    type="button"
                    class="secondary"
                    disabled={wristband.busy()}
                    onClick={() => setStatus(w().tag, 'blocked')}
                    data-testid="block-tag"
                  >
                    Only block
                  </button>
                }
              >
                <button
                  type="button"
                  class="secondary"
                  disabled={wristband.busy()}
                  onClick={() => setStatus(w().tag, 'active')}
                  data-testid="unblock-tag"
                >
                  Unblock (found again)
                </button>
              </Show>
            </div>
          </div>
        )}
      </Show>
      <ActionMessage message={wristband.message()} testid="wristband-message" />
    </>
  );
}
