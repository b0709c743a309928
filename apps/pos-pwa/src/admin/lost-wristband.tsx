import { createSignal, Show } from 'solid-js';
import { nc } from '../format.ts';
import { ApiError } from '../sync/api.ts';
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
  /**
   * The new tag when it is already a wallet, after a first press asked
   * about it. The server merges into an unclaimed wallet on purpose (a band
   * the guest already holds), but a mistyped digit would hand the lost
   * guest's money to a stranger, and a replaced band cannot be unblocked:
   * so only a second press moves into it. Any edit withdraws the question.
   */
  const [merging, setMerging] = createSignal<{ tag: string; balanceNc: number } | null>(null);
  const wristband = createAction();
  const typedNewTag = () => newTag().trim().toLowerCase();

  const look = async () => {
    const tag = oldTag().trim().toLowerCase();
    const looked = await wristband.run(() =>
      Promise.all([props.api.wallet(tag), props.api.walletOwner(tag)]),
    );
    // A slow answer for a tag no longer typed must not stand in for the one that is.
    if (oldTag().trim().toLowerCase() !== tag) return;
    setKeepOwner(true);
    setMerging(null);
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
  /** The new tag as a wallet, or null for a band the server has never seen (a 404). */
  const existingWallet = async (tag: string) => {
    try {
      return await props.api.wallet(tag);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  };
  const replace = async (tag: string) => {
    const target = typedNewTag();
    if (merging()?.tag !== target) {
      const existing = await wristband.run(() => existingWallet(target));
      // A failed look-up says why and moves nothing; a tag typed meanwhile is asked about anew.
      if (existing === undefined || typedNewTag() !== target) return;
      if (existing) {
        setMerging({ tag: target, balanceNc: existing.balanceNc });
        return;
      }
    }
    setMerging(null);
    const done = await wristband.run(() =>
      props.api.replace(tag, target, 'replaced at the bar', keepOwner()),
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
            setMerging(null);
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
                onInput={(e) => {
                  setNewTag(e.currentTarget.value);
                  setMerging(null);
                }}
                data-testid="new-tag"
              />
              <button
                type="button"
                class={merging() ? 'danger' : 'primary'}
                disabled={wristband.busy() || !newTag()}
                onClick={() => replace(w().tag)}
                data-testid="replace-tag"
              >
                {merging() ? 'Move into that wristband' : 'Block and move balance'}
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
            {/* In the page before the question, so a screen reader reads it out when it comes. */}
            <p role="status" data-testid="merge-question">
              <Show when={merging()}>
                {(m) =>
                  `${m().tag} is already a wristband holding ${nc(m().balanceNc)}: press again to move ${nc(w().balanceNc)} into it.`
                }
              </Show>
            </p>
          </div>
        )}
      </Show>
      <ActionMessage message={wristband.message()} testid="wristband-message" />
    </>
  );
}
