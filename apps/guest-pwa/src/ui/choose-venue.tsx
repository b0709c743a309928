import { Link } from '../router.tsx';

/** Shown by venue screens before the guest has picked a venue. */
export function ChooseVenue(props: { what: string }) {
  return (
    <section class="card">
      <p>Pick your venue to see its {props.what}.</p>
      <Link class="button primary" href="/venues">
        Choose a venue
      </Link>
    </section>
  );
}
