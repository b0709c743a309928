import type { VenueList } from '@niteos/schema/wire';
import { For, Show } from 'solid-js';
import { api } from '../data/api.ts';
import { createLive } from '../data/live.ts';
import { chooseVenue, venueSlug } from '../data/venue.ts';
import { navigate } from '../router.tsx';
import { Freshness } from './freshness.tsx';

/** Every active venue, grouped by city; picking one makes it the guest's venue. */
export default function VenuesScreen() {
  const live = createLive<VenueList>(
    () => 'venues',
    () => api('/public/venues'),
  );
  const cities = () => {
    const groups = new Map<string, VenueList['venues']>();
    for (const v of live.data()?.venues ?? [])
      groups.set(v.city, [...(groups.get(v.city) ?? []), v]);
    return [...groups.entries()];
  };
  return (
    <>
      <h1>Venues</h1>
      <Freshness live={live} what="venues" />
      <Show when={live.data()?.venues.length === 0}>
        <p class="muted">No venue is open on NiteOS yet.</p>
      </Show>
      <For each={cities()}>
        {([city, venues]) => (
          <section class="card">
            <h2>{city}</h2>
            <ul class="venues">
              <For each={venues}>
                {(v) => (
                  <li>
                    <button
                      type="button"
                      aria-pressed={v.slug === venueSlug()}
                      onClick={() => {
                        chooseVenue(v.slug);
                        navigate('/feed');
                      }}
                    >
                      {v.name}
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </section>
        )}
      </For>
    </>
  );
}
