import { type JSX, Match, Switch } from 'solid-js';
import { venueSlug } from '../data/venue.ts';
import { Link } from '../router.tsx';

function ChooseVenue(props: { children: JSX.Element }) {
  return (
    <section class="card" data-testid="choose-venue">
      <p>{props.children}</p>
      <Link class="button primary" href="/venues">
        Choose a venue
      </Link>
    </section>
  );
}

/**
 * A venue screen's content once the guest has a venue NiteOS knows; until
 * then the way to pick one. A venue link that names no venue (mistyped, or
 * the venue has left) offers the list, not a retry that could never work.
 */
export function VenueScreen(props: { what: string; missing: boolean; children: JSX.Element }) {
  return (
    <Switch fallback={props.children}>
      <Match when={!venueSlug()}>
        <ChooseVenue>Pick your venue to see its {props.what}.</ChooseVenue>
      </Match>
      <Match when={props.missing}>
        <ChooseVenue>
          NiteOS knows no venue “{venueSlug()}”: the venue link may be mistyped. Pick your venue
          from the list.
        </ChooseVenue>
      </Match>
    </Switch>
  );
}
