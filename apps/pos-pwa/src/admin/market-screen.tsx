import { parseMinor } from '@niteos/ledger-core';
import { createResource, createSignal, For } from 'solid-js';
import type { AdminApi, MarketItem } from './admin-api.ts';
import { keyedStorage } from './keyed-storage.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

type Items = { items: MarketItem[] };

const NOT_A_PRICE = 'Prices are amounts like 4 or 4.50.';

const shown = (minor: number) => (minor / 100).toFixed(2);

/**
 * The market editor: prices in CHF and NC, categories, availability, and
 * taking an item off the menu (two taps). Tills get changes on their next pull.
 */
export function MarketScreen(props: { api: AdminApi; venueId: string }) {
  const [items, { refetch }] = createResource<Items, string>(
    () => props.venueId,
    (id) => props.api.items(id),
    { storage: keyedStorage<Items>('itemId') },
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
  /**
   * Saves a change, then shows what the server holds, saved or not: `show`
   * puts the stored value back in the field edited, which a refused edit
   * leaves unchanged in the store and so is not redrawn by itself.
   */
  const patch = async (item: MarketItem, change: Partial<MarketItem> | null, show: () => void) => {
    await action.run(
      () =>
        change ? props.api.patchItem(item.itemId, change) : Promise.reject(new Error(NOT_A_PRICE)),
      `Saved ${item.name}`,
    );
    await refetch();
    show();
  };
  /** The item whose Remove was tapped once: a second tap removes it. */
  const [removing, setRemoving] = createSignal<string | null>(null);
  const remove = async (item: MarketItem) => {
    if (removing() !== item.itemId) {
      setRemoving(item.itemId);
      return;
    }
    setRemoving(null);
    await action.run(
      () => props.api.removeItem(item.itemId),
      `Removed ${item.name}: guests no longer see it, tills hide it after their next sync`,
    );
    await refetch();
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
      <ActionMessage message={action.message()} />
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
                <th />
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
                        value={shown(item.priceChf)}
                        onChange={(e) => {
                          const input = e.currentTarget;
                          patch(item, price(input.value, 'priceChf'), () => {
                            input.value = shown(item.priceChf);
                          });
                        }}
                        aria-label={`${item.name} CHF`}
                      />
                    </td>
                    <td>
                      <input
                        class="price"
                        inputmode="decimal"
                        value={shown(item.priceNc)}
                        onChange={(e) => {
                          const input = e.currentTarget;
                          patch(item, price(input.value, 'priceNc'), () => {
                            input.value = shown(item.priceNc);
                          });
                        }}
                        aria-label={`${item.name} NC`}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        checked={item.available}
                        onChange={(e) => {
                          const input = e.currentTarget;
                          patch(item, { available: input.checked }, () => {
                            input.checked = item.available;
                          });
                        }}
                        aria-label={`${item.name} on sale`}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class={removing() === item.itemId ? 'danger' : 'secondary'}
                        disabled={action.busy()}
                        onClick={() => remove(item)}
                        // The label stands in for the text: it too says what the next press does.
                        aria-label={
                          removing() === item.itemId
                            ? `Remove ${item.name} for good?`
                            : `Remove ${item.name}`
                        }
                      >
                        {removing() === item.itemId ? 'Remove for good?' : 'Remove'}
                      </button>
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
