import type { PublicVenue } from '@niteos/schema/wire';
import { Match, Show, Switch } from 'solid-js';
import { api } from '../data/api.ts';
import { createLive } from '../data/live.ts';
import { venueSlug } from '../data/venue.ts';
import { radio } from '../radio/player.ts';
import { ChooseVenue } from './choose-venue.tsx';
import { Freshness } from './freshness.tsx';

function clock(seconds: number) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The venue's radio: an external stream the venue configured; nothing streams from NiteOS. */
export default function RadioScreen() {
  const live = createLive<PublicVenue>(
    () => (venueSlug() ? `venue.${venueSlug()}` : null),
    (key) => api(`/public/venues/${encodeURIComponent(key.slice('venue.'.length))}`),
  );
  const venue = () => live.data();
  const playing = () => radio.state() === 'playing' || radio.state() === 'connecting';
  return (
    <Show when={venueSlug()} fallback={<ChooseVenue what="radio" />}>
      <h1>Radio{venue() ? ` · ${venue()?.name}` : ''}</h1>
      <Freshness live={live} what="the venue" />
      <Show when={venue()}>
        {(v) => (
          <Show
            when={v().radioUrl}
            fallback={<p class="card muted">{v().name} has no radio stream yet.</p>}
          >
            {(url) => (
              <section class="card radio">
                <button
                  type="button"
                  class="primary big"
                  data-testid="radio-toggle"
                  aria-pressed={playing()}
                  onClick={() => (playing() ? radio.pause() : void radio.play(url(), v().name))}
                >
                  {playing() ? 'Pause' : 'Play'}
                </button>
                <p role="status" data-testid="radio-status" data-state={radio.state()}>
                  <Switch>
                    <Match when={radio.state() === 'connecting'}>Connecting to the stream…</Match>
                    <Match when={radio.state() === 'playing'}>
                      Playing · {clock(radio.elapsed())}
                    </Match>
                    <Match when={radio.state() === 'paused'}>Paused</Match>
                    <Match when={radio.state() === 'down'}>{radio.problem()}</Match>
                    <Match when={radio.state() === 'idle'}>Press play to listen.</Match>
                  </Switch>
                </p>
              </section>
            )}
          </Show>
        )}
      </Show>
    </Show>
  );
}
