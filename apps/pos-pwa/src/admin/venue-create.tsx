import { createSignal } from 'solid-js';
import type { AdminApi } from './admin-api.ts';
import { ActionMessage } from './loaded.tsx';
import { createAction } from './use-action.ts';

/** The slug a name suggests: lower-case letters, digits and dashes, as the server wants. */
const slugOf = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');

/** A new venue, for Nitecore admins: the guest app finds it by its slug. */
export function VenueCreate(props: {
  api: AdminApi;
  /** Whether the venue could be opened: false when the venue list did not load again. */
  onCreated: (venueId: string) => Promise<boolean>;
}) {
  const [name, setName] = createSignal('');
  const [slug, setSlug] = createSignal<string | null>(null);
  const [city, setCity] = createSignal('');
  const action = createAction();
  const shownSlug = () => slug() ?? slugOf(name());
  async function create(e: Event) {
    e.preventDefault();
    const named = name();
    const made = await action.run(
      () => props.api.createVenue({ name: named, slug: shownSlug(), city: city() }),
      `Created ${named}`,
    );
    if (made && !(await props.onCreated(made.id)))
      await action.run(() =>
        Promise.reject(
          new Error(
            `Created ${named}, but the venue list did not load again: reload the page to open it.`,
          ),
        ),
      );
  }
  return (
    <section data-testid="admin-venue-create">
      <h2>New venue</h2>
      <form class="stack narrow" onSubmit={create}>
        <input
          placeholder="name"
          required
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          data-testid="venue-name"
        />
        <input
          placeholder="slug (in the guest app's address)"
          required
          value={shownSlug()}
          onInput={(e) => setSlug(e.currentTarget.value)}
          data-testid="venue-slug"
        />
        <input
          placeholder="city"
          required
          value={city()}
          onInput={(e) => setCity(e.currentTarget.value)}
          data-testid="venue-city"
        />
        <button type="submit" class="primary" disabled={action.busy()}>
          Create venue
        </button>
      </form>
      <ActionMessage message={action.message()} testid="venue-create-message" />
    </section>
  );
}
