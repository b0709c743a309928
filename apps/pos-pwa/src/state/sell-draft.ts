import type { CatalogItem } from '@niteos/schema/wire';
import { createSignal } from 'solid-js';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const DRAFT_KEY = 'niteos-sell-draft';

/** An order left longer than this is not picked up again: its prices may have moved on. */
const DRAFT_KEEP_MS = 30 * 60_000;

export interface CartLine {
  item: CatalogItem;
  qty: number;
}

interface Saved {
  staffId: string;
  cart: [string, CartLine][];
  tag: string;
  savedAt: number;
}

/**
 * The order a bartender is building on the sell screen: the cart and the
 * guest's tag. It outlives the screen (a trip to Top up and back) and a
 * reload of the tab (sessionStorage), but belongs to whoever built it: it
 * is dropped at sign-out and when someone else signs in.
 */
export function createSellDraft(storage: KeyValue | null, now = Date.now) {
  const saved = read(storage, now());
  let owner: string | null = saved?.staffId ?? null;
  const [cart, setCartSignal] = createSignal(new Map<string, CartLine>(saved?.cart ?? []));
  const [tag, setTagSignal] = createSignal(saved?.tag ?? '');

  function save() {
    if (!storage) return;
    if (!owner || (cart().size === 0 && tag() === '')) {
      storage.removeItem(DRAFT_KEY);
      return;
    }
    const draft: Saved = { staffId: owner, cart: [...cart()], tag: tag(), savedAt: now() };
    storage.setItem(DRAFT_KEY, JSON.stringify(draft));
  }

  return {
    cart,
    tag,
    setCart(next: Map<string, CartLine>) {
      setCartSignal(next);
      save();
    },
    setTag(next: string) {
      setTagSignal(next);
      save();
    },
    /** Who is signed in now (null: nobody): another's order, or any at sign-out, is dropped. */
    signedIn(staffId: string | null) {
      if (staffId !== null && staffId === owner) return;
      owner = staffId;
      setCartSignal(new Map());
      setTagSignal('');
      save();
    },
  };
}

export type SellDraft = ReturnType<typeof createSellDraft>;

/**
 * The cart held against the catalog as a pull left it: lines for items no
 * longer sold are taken out, and a changed price replaces the one the line
 * was added at, so what is charged is what the menu says now. Null when
 * nothing changed; otherwise the new cart and what to tell the bartender.
 */
export function matchCatalog(
  cart: ReadonlyMap<string, CartLine>,
  catalog: readonly CatalogItem[],
): { cart: Map<string, CartLine>; notice: string } | null {
  const byId = new Map(catalog.map((item) => [item.itemId, item]));
  const next = new Map<string, CartLine>();
  const gone: string[] = [];
  const repriced: string[] = [];
  for (const [id, line] of cart) {
    const now = byId.get(id);
    if (!now?.available) {
      gone.push(line.item.name);
      continue;
    }
    if (now.priceNc !== line.item.priceNc || now.priceChf !== line.item.priceChf)
      repriced.push(now.name);
    next.set(id, { item: now, qty: line.qty });
  }
  if (gone.length === 0 && repriced.length === 0) return null;
  const notice = [
    gone.length > 0 ? `No longer sold, taken out of the order: ${gone.join(', ')}.` : '',
    repriced.length > 0 ? `New price now in the order: ${repriced.join(', ')}.` : '',
  ];
  return { cart: next, notice: notice.filter(Boolean).join(' ') };
}

/** The saved draft if it is recent and has the shape this version writes; null otherwise. */
function read(storage: KeyValue | null, now: number): Saved | null {
  try {
    const raw = storage?.getItem(DRAFT_KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Partial<Saved>;
    if (
      typeof saved.staffId !== 'string' ||
      typeof saved.tag !== 'string' ||
      typeof saved.savedAt !== 'number' ||
      !(now - saved.savedAt >= 0 && now - saved.savedAt <= DRAFT_KEEP_MS) ||
      !Array.isArray(saved.cart)
    )
      return null;
    const cart = saved.cart.filter(
      (entry): entry is [string, CartLine] =>
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        Number.isInteger(entry[1]?.qty) &&
        entry[1].qty > 0 &&
        isCatalogItem(entry[1].item),
    );
    return { ...saved, cart } as Saved;
  } catch {
    // A draft this version cannot read is no order worth stopping the till for.
    return null;
  }
}

/**
 * A catalog item as a pull brings it. Checked by hand: the wire schemas
 * would bring zod into the till's first load, a quarter of its budget.
 */
function isCatalogItem(value: unknown): value is CatalogItem {
  const item = value as Partial<CatalogItem> | null;
  return (
    typeof item?.itemId === 'string' &&
    typeof item.name === 'string' &&
    typeof item.category === 'string' &&
    Number.isInteger(item.priceNc) &&
    Number.isInteger(item.priceChf) &&
    typeof item.available === 'boolean'
  );
}
