import type { PublicMarketItem } from '@niteos/schema/wire';
import { For, Show } from 'solid-js';
import { createVenueMarket } from '../data/venue-data.ts';
import { chf, nc } from '../format.ts';
import { VenueScreen } from './choose-venue.tsx';
import { Freshness } from './freshness.tsx';

function byCategory(items: PublicMarketItem[]) {
  const groups = new Map<string, PublicMarketItem[]>();
  for (const item of items) groups.set(item.category, [...(groups.get(item.category) ?? []), item]);
  return [...groups.entries()];
}

/** What the venue sells, in CHF and NC, and what is sold out. */
export default function MarketScreen() {
  const live = createVenueMarket();
  return (
    <VenueScreen what="market" missing={live.missing()}>
      <h1>Market{live.data() ? ` · ${live.data()?.venue.name}` : ''}</h1>
      <Freshness live={live} what="the market" />
      <Show when={live.data()?.items.length === 0}>
        <p class="muted">Nothing on the menu yet.</p>
      </Show>
      <For each={byCategory(live.data()?.items ?? [])}>
        {([category, items]) => (
          <section class="card">
            <h2>{category}</h2>
            <ul class="market" data-testid="market">
              <For each={items}>
                {(item) => (
                  <li classList={{ soldout: !item.available }}>
                    <span>
                      {item.name}
                      {item.available ? '' : ' · sold out'}
                    </span>
                    <span class="prices">
                      <strong>{nc(item.priceNc)}</strong>{' '}
                      <span class="muted">{chf(item.priceChf)}</span>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </section>
        )}
      </For>
    </VenueScreen>
  );
}
