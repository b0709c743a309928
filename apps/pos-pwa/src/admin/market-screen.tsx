import { createResource, createSignal, For, Show } from 'solid-js';
import type { AdminApi, MarketItem } from './admin-api.ts';
import { Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

const toMinor = (text: string) => Math.round(Number(text.replace(',', '.')) * 100);

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
    const item = {
      name: d.name,
      category: d.category,
      priceChf: toMinor(d.priceChf),
      priceNc: toMinor(d.priceNc || d.priceChf),
      available: true,
      sort: 0,
    };
    if (await action.run(() => props.api.addItem(props.venueId, item), `Added ${d.name}`)) {
      setDraft({ name: '', category: d.category, priceChf: '', priceNc: '' });
      refetch();
    }
  }
  const patch = async (item: MarketItem, change: Partial<MarketItem>) => {
    if (await action.run(() => props.api.patchItem(item.itemId, change), `Saved ${item.name}`))
      refetch();
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
                        onChange={(e) => patch(item, { priceChf: toMinor(e.currentTarget.value) })}
                        aria-label={`${item.name} CHF`}
                      />
                    </td>
                    <td>
                      <input
                        class="price"
                        inputmode="decimal"
                        value={(item.priceNc / 100).toFixed(2)}
                        onChange={(e) => patch(item, { priceNc: toMinor(e.currentTarget.value) })}
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
