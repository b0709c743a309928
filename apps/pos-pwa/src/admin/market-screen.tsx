import { parseMinor } from '@niteos/ledger-core';
import { createResource, createSignal, For, Show } from 'solid-js';
import type { AdminApi, MarketItem } from './admin-api.ts';
import { Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

const NOT_A_PRICE = 'Prices are amounts like 4 or 4.50.';

/** The market editor: prices in CHF and NC, categories, availability. Tills get changes on their next pull. */
export function MarketScreen(props: { api: AdminApi; venueId: string }) {
  const [items, { refetch }] = createResource(
    () => props.venueId,
    (id) => props.api.items(id),
  );
  const [draft, setDraft] = createSignal({ name: '', category: '', priceChf: '', priceNc: '' });
  const action = createAction();
  async function add(e: Event) {
    e.preventDefault();
    const d = draft();
    const priceChf = parseMinor(d.priceChf);
    const priceNc = d.priceNc.trim() ? parseMinor(d.priceNc) : priceChf;
    if (priceChf === null || priceNc === null) {
      await action.run(() => Promise.reject(new Error(NOT_A_PRICE)));
      return;
    }
    const item = {
      name: d.name,
      category: d.category,
      priceChf,
      priceNc,
      available: true,
      sort: 0,
    };
    const added = await action.run(() => props.api.addItem(props.venueId, item), `Added ${d.name}`);
    if (added) setDraft({ name: '', category: d.category, priceChf: '', priceNc: '' });
    // Also after a failure: an answer lost on the way back may hide an item that was added.
    refetch();
  }
  /** Saves a change, then shows what the server holds, saved or not. */
  const patch = async (item: MarketItem, change: Partial<MarketItem> | null) => {
    await action.run(
      () =>
        change ? props.api.patchItem(item.itemId, change) : Promise.reject(new Error(NOT_A_PRICE)),
      `Saved ${item.name}`,
    );
    refetch();
  };
  const price = (text: string, key: 'priceChf' | 'priceNc') => {
    const minor = parseMinor(text);
    return minor === null ? null : { [key]: minor };
  };
  return (
    <section data-testid="admin-market">
      <h2>Market</h2>
      <form class="row" onSubmit={add}>
        <input
          placeholder="name"
          required
          value={draft().name}
          onInput={(e) => setDraft({ ...draft(), name: e.currentTarget.value })}
        />
        <input
          placeholder="category"
          required
          value={draft().category}
          onInput={(e) => setDraft({ ...draft(), category: e.currentTarget.value })}
        />
        <input
          placeholder="CHF"
          inputmode="decimal"
          required
          value={draft().priceChf}
          onInput={(e) => setDraft({ ...draft(), priceChf: e.currentTarget.value })}
        />
        <input
          placeholder="NC (= CHF)"
          inputmode="decimal"
          value={draft().priceNc}
          onInput={(e) => setDraft({ ...draft(), priceNc: e.currentTarget.value })}
        />
        <button type="submit" class="primary" disabled={action.busy()}>
          Add item
        </button>
      </form>
      <Show when={action.message()}>
        {(m) => <p class={m().ok ? 'ok-text' : 'error'}>{m().text}</p>}
      </Show>
      <Loaded resource={items} retry={refetch}>
        {(list) => (
          <table class="table">
            <thead>
              <tr>
                <th>item</th>
                <th>category</th>
                <th>CHF</th>
                <th>NC</th>
                <th>on sale</th>
              </tr>
            </thead>
            <tbody>
              <For each={list().items}>
                {(item) => (
                  <tr>
                    <td>{item.name}</td>
                    <td>{item.category}</td>
                    <td>
                      <input
                        class="price"
                        inputmode="decimal"
                        value={(item.priceChf / 100).toFixed(2)}
                        onChange={(e) => patch(item, price(e.currentTarget.value, 'priceChf'))}
                        aria-label={`${item.name} CHF`}
                      />
                    </td>
                    <td>
                      <input
                        class="price"
                        inputmode="decimal"
                        value={(item.priceNc / 100).toFixed(2)}
                        onChange={(e) => patch(item, price(e.currentTarget.value, 'priceNc'))}
                        aria-label={`${item.name} NC`}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        checked={item.available}
                        onChange={(e) => patch(item, { available: e.currentTarget.checked })}
                        aria-label={`${item.name} on sale`}
                      />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}
