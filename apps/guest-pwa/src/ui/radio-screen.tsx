import { Match, Show, Switch } from 'solid-js';
import { createVenue } from '../data/venue-data.ts';
import { radio } from '../radio/player.ts';
import { VenueScreen } from './choose-venue.tsx';
import { Freshness } from './freshness.tsx';

function clock(seconds: number) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The venue's radio: an external stream the venue configured; nothing streams from NiteOS. */
export default function RadioScreen() {
  const live = createVenue();
  const venue = () => live.data();
  return (
    <VenueScreen what="radio" missing={live.missing()}>
      <h1>Radio{venue() ? ` · ${venue()?.name}` : ''}</h1>
      <Freshness live={live} what="the venue" />
      <Show when={venue()}>
        {(v) => (
          <Show
            when={v().radioUrl}
            fallback={<p class="card muted">{v().name} has no radio stream yet.</p>}
          >
            {(url) => <Player url={url()} venueName={v().name} />}
          </Show>
        )}
      </Show>
    </VenueScreen>
  );
}

/**
 * Play and pause for one venue's stream. The one audio element may hold
 * another venue's stream (played before switching venue): this screen then
 * offers Play and says what is on, instead of showing that stream's state.
 */
function Player(props: { url: string; venueName: string }) {
  const other = () => {
    const on = radio.current();
    return on && on.url !== props.url ? on : null;
  };
  const state = () => (other() ? 'idle' : radio.state());
  const playing = () => state() === 'playing' || state() === 'connecting';
  return (
    <section class="card radio">
      <button
        type="button"
        class="primary big"
        data-testid="radio-toggle"
        aria-pressed={playing()}
        onClick={() => (playing() ? radio.pause() : void radio.play(props.url, props.venueName))}
      >
        {playing() ? 'Pause' : 'Play'}
      </button>
      <p>
        <span role="status" data-testid="radio-status" data-state={state()}>
          <Switch>
            <Match when={state() === 'connecting'}>Connecting to the stream…</Match>
            <Match when={state() === 'playing'}>Playing</Match>
            <Match when={state() === 'paused'}>Paused</Match>
            <Match when={state() === 'down'}>{radio.problem()}</Match>
            <Match when={other()}>
              {(on) => `${on().venueName} radio is on: press play to switch to this one.`}
            </Match>
            <Match when={state() === 'idle'}>Press play to listen.</Match>
          </Switch>
        </span>
        {/* Outside the live region: a screen reader would read the time out every second. */}
        <Show when={state() === 'playing'}>
          {' · '}
          <span role="timer" data-testid="radio-elapsed">
            {clock(radio.elapsed())}
          </span>
        </Show>
      </p>
    </section>
  );
}
