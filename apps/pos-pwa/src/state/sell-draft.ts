import type { CatalogItem } from '@niteos/schema/wire';
import { createSignal } from 'solid-js';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const DRAFT_KEY = 'niteos-sell-draft';

export interface CartLine {
  item: CatalogItem;
  qty: number;
}

interface Saved {
  staffId: string;
  cart: [string, CartLine][];
  tag: string;
}

/**
 * The order a bartender is building on the sell screen: the cart and the
 * guest's tag. It outlives the screen (a trip to Top up and back) and a
 * reload of the tab (sessionStorage), but belongs to whoever built it: it
 * is dropped at sign-out and when someone else signs in.
 */
export function createSellDraft(storage: KeyValue | null) {
  const saved = read(storage);
  let owner: string | null = saved?.staffId ?? null;
  const [cart, setCartSignal] = createSignal(new Map<string, CartLine>(saved?.cart ?? []));
  const [tag, setTagSignal] = createSignal(saved?.tag ?? '');

  function save() {
    if (!storage) return;
    if (!owner || (cart().size === 0 && tag() === '')) {
      storage.removeItem(DRAFT_KEY);
      return;
    }
    const draft: Saved = { staffId: owner, cart: [...cart()], tag: tag() };
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

function read(storage: KeyValue | null): Saved | null {
  try {
    const raw = storage?.getItem(DRAFT_KEY);
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    // A draft this version cannot read is no order worth stopping the till for.
    return null;
  }
}
