import type { CatalogItem, OpLine } from '@niteos/schema/wire';
import { createEffect, createMemo, createSignal, For, Show, untrack } from 'solid-js';
import { chf, nc } from '../format.ts';
import { createLiveQuery } from '../state/live.ts';
import { matchCatalog } from '../state/sell-draft.ts';
import { useTill } from '../state/till-store.tsx';
import { createChargeAction } from './charge-action.ts';
import { createFeedback } from './feedback.tsx';
import { GuestField } from './guest-field.tsx';

/** Item grid by category, cart, guest, tender: the screen staff live in. */
export function SellScreen() {
  const till = useTill();
  // Null until read: an empty catalog must not empty an order picked up again.
  const pulled = createLiveQuery(() => till.db.catalog.toArray(), null as CatalogItem[] | null);
  const catalog = createMemo(() => (pulled() ?? []).filter((i) => i.available));
  const categories = createMemo(() => [...new Set(catalog().map((i) => i.category))].sort());
  const [category, setCategory] = createSignal<string | null>(null);
  // Kept by the till, not the screen: a trip to Top up or a reload keeps the order.
  const { cart, setCart, tag, setTag } = till.draft;
  const feedback = createFeedback();
  const action = createChargeAction({
    charge: till.charge,
    fail: (text) => feedback.show(false, text),
  });

  // A pull that takes an item off the menu or changes its price reaches an
  // open order too; never in the middle of a charge, which shows what it charges.
  createEffect(() => {
    const items = pulled();
    if (!items || action.busy()) return;
    const matched = matchCatalog(untrack(cart), items);
    if (!matched) return;
    setCart(matched.cart);
    feedback.show(false, matched.notice);
  });

  const shown = () => {
    const c = category() ?? categories()[0];
    return catalog()
      .filter((i) => i.category === c)
      .sort((a, b) => a.name.localeCompare(b.name));
  };
  const lines = (): OpLine[] =>
    [...cart().values()].map(({ item, qty }) => ({
      itemId: item.itemId,
      qty,
      unitNc: item.priceNc,
      unitChf: item.priceChf,
    }));
  const total = () =>
    lines().reduce((t, l) => ({ nc: t.nc + l.qty * l.unitNc, chf: t.chf + l.qty * l.unitChf }), {
      nc: 0,
      chf: 0,
    });

  const add = (item: CatalogItem, delta: number) => {
    // What is being charged is what was shown: the order stays still until the charge ends.
    if (action.busy()) return;
    const next = new Map(cart());
    const qty = (next.get(item.itemId)?.qty ?? 0) + delta;
    if (qty <= 0) next.delete(item.itemId);
    else next.set(item.itemId, { item, qty });
    setCart(next);
  };

  async function pay(tender: 'nc' | 'cash' | 'card') {
    const op = await action.run({
      kind: 'sale',
      tender,
      nitetapId: tag().trim() ? tag() : null,
      lines: lines(),
    });
    if (!op) return;
    const e = op.envelope;
    feedback.show(
      true,
      `Paid ${tender === 'nc' ? nc(e.amountNc) : `${chf(e.amountChf)} by ${tender}`}`,
    );
    setCart(new Map());
    setTag('');
  }

  return (
    <main class="screen sell" data-testid="sell">
      <section class="catalog">
        <div class="tabs">
          <For each={categories()}>
            {(c) => (
              <button
                type="button"
                class={(category() ?? categories()[0]) === c ? 'tab selected' : 'tab'}
                onClick={() => setCategory(c)}
              >
                {c}
              </button>
            )}
          </For>
        </div>
        <Show
          when={catalog().length > 0}
          fallback={<p class="muted">No items yet: the catalog arrives with the first sync.</p>}
        >
          <div class="grid items">
            <For each={shown()}>
              {(item) => (
                <button
                  type="button"
                  class="tile item"
                  disabled={action.busy()}
                  onClick={() => add(item, 1)}
                  data-testid="item"
                  data-item={item.name}
                >
                  <span class="item-name">{item.name}</span>
                  <span class="item-price">{nc(item.priceNc)}</span>
                </button>
              )}
            </For>
          </div>
        </Show>
      </section>
      <section class="cart" data-testid="cart">
        <ul>
          <For each={[...cart().values()]}>
            {(entry) => (
              <li>
                <span>{entry.item.name}</span>
                <span class="qty">
                  <button
                    type="button"
                    class="small"
                    disabled={action.busy()}
                    onClick={() => add(entry.item, -1)}
                    aria-label={`one less ${entry.item.name}`}
                  >
                    −
                  </button>
                  {entry.qty}
                  <button
                    type="button"
                    class="small"
                    disabled={action.busy()}
                    onClick={() => add(entry.item, 1)}
                    aria-label={`one more ${entry.item.name}`}
                  >
                    +
                  </button>
                </span>
              </li>
            )}
          </For>
        </ul>
        <Show when={cart().size > 0}>
          <button
            type="button"
            class="secondary small"
            disabled={action.busy()}
            onClick={() => setCart(new Map())}
            data-testid="cart-clear"
          >
            Clear cart
          </button>
        </Show>
        <p class="total" data-testid="cart-total">
          {nc(total().nc)} · {chf(total().chf)}
        </p>
        <GuestField value={tag()} onChange={setTag} />
        <div class="row tender">
          <button
            type="button"
            class="primary big"
            disabled={action.busy() || cart().size === 0}
            onClick={() => pay('nc')}
            data-testid="pay-nc"
          >
            Pay NC
          </button>
          <button
            type="button"
            class="secondary big"
            disabled={action.busy() || cart().size === 0}
            onClick={() => pay('cash')}
            data-testid="pay-cash"
          >
            Cash
          </button>
          <button
            type="button"
            class="secondary big"
            disabled={action.busy() || cart().size === 0}
            onClick={() => pay('card')}
            data-testid="pay-card"
          >
            Card
          </button>
        </div>
        <feedback.View />
      </section>
    </main>
  );
}
