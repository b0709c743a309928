import { parseMinor } from '@niteos/ledger-core';
import { createSignal, Show } from 'solid-js';
import { nc } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { createAction } from './use-action.ts';

interface VenueLike {
  id: string;
  radioUrl: string | null;
  policy: Record<string, number>;
}

/**
 * Venue settings (radio, offline policy) and lost wristbands (block, unblock, replace
 * keeping the balance). The form starts from `venue` once: the screen is
 * mounted anew for each venue picked. Save sends only the fields changed
 * since then, so it never puts back what another admin set meanwhile.
 */
export function SettingsScreen(props: { api: AdminApi; venue: VenueLike; onSaved: () => void }) {
  const [loaded, setLoaded] = createSignal({
    radioUrl: props.venue.radioUrl,
    policy: { ...props.venue.policy },
  });
  const [radio, setRadio] = createSignal(props.venue.radioUrl ?? '');
  const [cap, setCap] = createSignal(String((props.venue.policy.offlineCapNc ?? 0) / 100));
  const [unknownCap, setUnknownCap] = createSignal(
    String((props.venue.policy.unknownWalletCapNc ?? 0) / 100),
  );
  const [overdraft, setOverdraft] = createSignal(
    String((props.venue.policy.overdraftLimitNc ?? 0) / 100),
  );
  const [oldTag, setOldTag] = createSignal('');
  const [newTag, setNewTag] = createSignal('');
  /** The wallet looked up: the buttons act on its tag, whatever the field says now. */
  const [found, setFound] = createSignal<{
    tag: string;
    balanceNc: number;
    status: string;
  } | null>(null);
  const settings = createAction();
  const wristband = createAction();

  const save = async (e: Event) => {
    e.preventDefault();
    const typed = {
      offlineCapNc: cap(),
      unknownWalletCapNc: unknownCap(),
      overdraftLimitNc: overdraft(),
    };
    const changedPolicy: Record<string, number> = {};
    for (const [field, text] of Object.entries(typed)) {
      const value = parseMinor(text);
      if (value === null) {
        await settings.run(() =>
          Promise.reject(new Error('The limits are NC amounts like 50 or 12.50.')),
        );
        return;
      }
      if (value !== loaded().policy[field]) changedPolicy[field] = value;
    }
    const radioUrl = radio().trim() || null;
    const body = {
      ...(radioUrl !== loaded().radioUrl ? { radioUrl } : {}),
      ...(Object.keys(changedPolicy).length > 0 ? { policy: changedPolicy } : {}),
    };
    if (Object.keys(body).length === 0) {
      await settings.run(async () => true, 'Nothing changed: nothing to save');
      return;
    }
    if (
      await settings.run(
        () => props.api.settings(props.venue.id, body),
        'Saved: tills use the new policy after their next sync',
      )
    ) {
      setLoaded({ radioUrl, policy: { ...loaded().policy, ...changedPolicy } });
      props.onSaved();
    }
  };
  const look = async () => {
    const tag = oldTag().trim().toLowerCase();
    const wallet = await wristband.run(() => props.api.wallet(tag));
    // A slow answer for a tag no longer typed must not stand in for the one that is.
    if (oldTag().trim().toLowerCase() !== tag) return;
    setFound(wallet ? { tag, balanceNc: wallet.balanceNc, status: wallet.status } : null);
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
      props.api.replace(tag, newTag().trim(), 'replaced at the bar'),
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
    <section data-testid="admin-settings">
      <h2>Venue settings</h2>
      <form class="stack" onSubmit={save}>
        <label>
          Radio stream URL (HLS or Icecast, served elsewhere)
          <input
            type="url"
            value={radio()}
            onInput={(e) => setRadio(e.currentTarget.value)}
            data-testid="settings-radio"
          />
        </label>
        <div class="row">
          <label>
            Offline cap per wallet (NC)
            <input
              inputmode="decimal"
              value={cap()}
              onInput={(e) => setCap(e.currentTarget.value)}
              data-testid="settings-offline-cap"
            />
          </label>
          <label>
            Cap for unknown wallets (NC)
            <input
              inputmode="decimal"
              value={unknownCap()}
              onInput={(e) => setUnknownCap(e.currentTarget.value)}
            />
          </label>
          <label>
            Overdraft limit (NC)
            <input
              inputmode="decimal"
              value={overdraft()}
              onInput={(e) => setOverdraft(e.currentTarget.value)}
            />
          </label>
        </div>
        <button
          type="submit"
          class="primary"
          disabled={settings.busy()}
          data-testid="settings-save"
        >
          Save settings
        </button>
        <Show when={settings.message()}>
          {(m) => <p class={m().ok ? 'ok-text' : 'error'}>{m().text}</p>}
        </Show>
      </form>
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
              Wristband {w().tag}: balance {nc(w().balanceNc)}, {w().status}.
            </p>
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
      <Show when={wristband.message()}>
        {(m) => (
          <p class={m().ok ? 'ok-text' : 'error'} data-testid="wristband-message">
            {m().text}
          </p>
        )}
      </Show>
    </section>
  );
}
