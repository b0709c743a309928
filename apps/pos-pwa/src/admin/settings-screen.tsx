import { parseMinor } from '@niteos/ledger-core';
import { createResource, createSignal } from 'solid-js';
import type { AdminApi } from './admin-api.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { LostWristband } from './lost-wristband.tsx';
import { createAction } from './use-action.ts';

interface VenueLike {
  id: string;
  radioUrl: string | null;
  policy: Record<string, number>;
}

/**
 * Venue settings (radio, offline policy) and lost wristbands (block, unblock, replace
 * keeping the balance). The venue is loaded afresh each time the screen opens,
 * not taken from the list loaded at sign-in: the form shows, and Save compares
 * with, what other admins have set since.
 */
export function SettingsScreen(props: { api: AdminApi; venueId: string; onSaved: () => void }) {
  const [venue, { refetch }] = createResource(
    () => props.venueId,
    async (id) => {
      const found = (await props.api.venues()).venues.find((v) => v.id === id);
      if (!found) throw new Error('This venue is no longer in your list: reload the page.');
      return found;
    },
  );
  return (
    <section data-testid="admin-settings">
      <h2>Venue settings</h2>
      <Loaded resource={venue} retry={refetch}>
        {(v) => <VenueSettings api={props.api} venue={v()} onSaved={props.onSaved} />}
      </Loaded>
      <LostWristband api={props.api} />
    </section>
  );
}

/**
 * The settings form. It starts from `venue` once; Save sends only the fields
 * changed since, so it never puts back what another admin set meanwhile.
 */
function VenueSettings(props: { api: AdminApi; venue: VenueLike; onSaved: () => void }) {
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
  const settings = createAction();
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
  return (
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
      <button type="submit" class="primary" disabled={settings.busy()} data-testid="settings-save">
        Save settings
      </button>
      <ActionMessage message={settings.message()} />
    </form>
  );
}
