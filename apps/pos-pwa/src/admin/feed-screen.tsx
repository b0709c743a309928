import type { FeedPost } from '@niteos/schema/wire';
import { createResource, createSignal, For, Show } from 'solid-js';
import { dateTime } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

const EMPTY = { kind: 'post', title: '', body: '', imageUrl: '' };

/**
 * The venue's feed in the guest app: posts, announcements and teasers,
 * newest first, written and deleted here. Guests' apps ask again every two
 * minutes, and may get what was cached for one more (the public feed's
 * Cache-Control).
 */
export function FeedScreen(props: { api: AdminApi; venueId: string }) {
  const [feed, { refetch }] = createResource(
    () => props.venueId,
    (id) => props.api.feed(id),
  );
  const [draft, setDraft] = createSignal(EMPTY);
  const action = createAction();
  async function post(e: Event) {
    e.preventDefault();
    const d = draft();
    const added = await action.run(
      () => props.api.addPost(props.venueId, { ...d, imageUrl: d.imageUrl.trim() || null }),
      `Posted ${d.title.trim()}: guests' apps show it within a few minutes`,
    );
    if (added) setDraft(EMPTY);
    // Also after a failure: an answer lost on the way back may hide a post that was made.
    refetch();
  }
  async function remove(p: FeedPost) {
    if (!confirm(`Delete "${p.title}"? Guests no longer see it.`)) return;
    await action.run(() => props.api.removePost(p.id), `Deleted ${p.title}`);
    refetch();
  }
  return (
    <section data-testid="admin-feed">
      <h2>Feed</h2>
      <form class="stack" onSubmit={post}>
        <input
          placeholder="title"
          required
          maxLength={200}
          value={draft().title}
          onInput={(e) => setDraft({ ...draft(), title: e.currentTarget.value })}
          data-testid="feed-title"
        />
        <textarea
          placeholder="text (optional)"
          rows={4}
          maxLength={10_000}
          value={draft().body}
          onInput={(e) => setDraft({ ...draft(), body: e.currentTarget.value })}
          data-testid="feed-body"
        />
        <div class="row">
          <select
            value={draft().kind}
            onChange={(e) => setDraft({ ...draft(), kind: e.currentTarget.value })}
            aria-label="kind"
          >
            <option value="post">post</option>
            <option value="announcement">announcement</option>
            <option value="teaser">teaser (coming up)</option>
          </select>
          <input
            type="url"
            placeholder="image URL (optional, https://)"
            value={draft().imageUrl}
            onInput={(e) => setDraft({ ...draft(), imageUrl: e.currentTarget.value })}
          />
          <button type="submit" class="primary" disabled={action.busy()} data-testid="feed-post">
            Post
          </button>
        </div>
      </form>
      <ActionMessage message={action.message()} testid="feed-message" />
      <Loaded resource={feed} retry={refetch}>
        {(loaded) => (
          <Show when={loaded().posts.length} fallback={<p class="muted">No posts yet.</p>}>
            <ul class="list">
              <For each={loaded().posts}>
                {(p) => (
                  <li data-testid="feed-row">
                    <span>
                      <strong>{p.title}</strong> <span class="muted">{p.kind}</span>
                    </span>
                    <span class="muted">
                      <time datetime={p.publishedAt} data-testid="feed-time">
                        {dateTime(p.publishedAt)}
                      </time>{' '}
                      <button
                        type="button"
                        class="secondary small"
                        disabled={action.busy()}
                        onClick={() => remove(p)}
                      >
                        Delete
                      </button>
                    </span>
                    <Show when={p.body}>
                      <p class="body">{p.body}</p>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Loaded>
    </section>
  );
}
