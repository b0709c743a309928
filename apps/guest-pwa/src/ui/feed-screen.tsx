import { For, Show } from 'solid-js';
import { venueSlug } from '../data/venue.ts';
import { createVenueFeed } from '../data/venue-data.ts';
import { when } from '../format.ts';
import { ChooseVenue } from './choose-venue.tsx';
import { Freshness } from './freshness.tsx';

/** The venue's posts and announcements, newest first. */
export default function FeedScreen() {
  const live = createVenueFeed();
  return (
    <Show when={venueSlug()} fallback={<ChooseVenue what="feed" />}>
      <h1>{live.data()?.venue.name ?? 'Feed'}</h1>
      <Freshness live={live} what="the feed" />
      <Show when={live.data()?.posts.length === 0}>
        <p class="muted">No posts yet.</p>
      </Show>
      <ol class="feed" data-testid="feed">
        <For each={live.data()?.posts ?? []}>
          {(post) => (
            <li class="card post" classList={{ announcement: post.kind === 'announcement' }}>
              <Show when={post.imageUrl}>
                {(src) => <img src={src()} alt="" loading="lazy" width="640" height="360" />}
              </Show>
              <p class="muted">
                {post.kind === 'announcement' ? 'Announcement · ' : ''}
                {post.kind === 'teaser' ? 'Coming up · ' : ''}
                <time datetime={post.publishedAt}>{when(post.publishedAt)}</time>
              </p>
              <h2>{post.title}</h2>
              <Show when={post.body}>
                <p class="body">{post.body}</p>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </Show>
  );
}
