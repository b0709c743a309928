import { For, Show } from 'solid-js';
import { createVenueFeed } from '../data/venue-data.ts';
import { when } from '../format.ts';
import { VenueScreen } from './choose-venue.tsx';
import { Freshness } from './freshness.tsx';

/** The venue's posts and announcements, newest first. */
export default function FeedScreen() {
  const live = createVenueFeed();
  return (
    <VenueScreen what="feed" missing={live.missing()}>
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
                {/* A teaser's time is when it was posted, not when what it announces happens. */}
                {post.kind === 'teaser' ? 'Coming up · posted ' : ''}
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
    </VenueScreen>
  );
}
