import type { CatalogItem } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { createSellDraft, matchCatalog } from './sell-draft.ts';

/** A tab's sessionStorage (in-memory stand-in): what survives a reload of the tab. */
function tabStorage() {
  const kept = new Map<string, string>();
  return {
    kept,
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  };
}

const lager = {
  itemId: 'lager',
  name: 'Lager 0.33',
  category: 'Beer',
  priceNc: 700,
  priceChf: 700,
  available: true,
} as CatalogItem;

test('an order outlives a reload for whoever built it, and no one else (in-memory storage)', () => {
  const storage = tabStorage();
  const before = createSellDraft(storage);
  before.signedIn('anna');
  before.setCart(new Map([['lager', { item: lager, qty: 2 }]]));
  before.setTag('04a1b2c3d4e5f6');

  // The tab reloads: nobody is signed in until Anna types her PIN again.
  const reloaded = createSellDraft(storage);
  expect(reloaded.cart().get('lager')?.qty).toBe(2);
  reloaded.signedIn('anna');
  expect(reloaded.cart().get('lager')?.qty).toBe(2);
  expect(reloaded.tag()).toBe('04a1b2c3d4e5f6');

  // Ben signs in after the next reload: Anna's order is not his.
  const bens = createSellDraft(storage);
  bens.signedIn('ben');
  expect(bens.cart().size).toBe(0);
  expect(bens.tag()).toBe('');
  expect(createSellDraft(storage).cart().size).toBe(0);

  // Signing out drops the order, and nothing of it is left in the tab.
  bens.setCart(new Map([['lager', { item: lager, qty: 1 }]]));
  expect(storage.kept.size).toBe(1);
  bens.signedIn(null);
  expect(bens.cart().size).toBe(0);
  expect(storage.kept.size).toBe(0);
});

test('a draft the till cannot read, or one left too long, is dropped, not fatal (in-memory storage)', () => {
  const storage = tabStorage();
  for (const raw of ['{not json', '{"staffId":"anna","tag":"","savedAt":0,"cart":{}}', 'null']) {
    storage.setItem('niteos-sell-draft', raw);
    expect(createSellDraft(storage).cart().size).toBe(0);
  }
  // A line of another shape goes; the rest of the order stays.
  storage.setItem(
    'niteos-sell-draft',
    JSON.stringify({
      staffId: 'anna',
      tag: '',
      savedAt: Date.now(),
      cart: [
        ['lager', { item: lager, qty: 2 }],
        ['odd', { item: { itemId: 'odd' }, qty: 1 }],
      ],
    }),
  );
  expect([...createSellDraft(storage).cart().keys()]).toEqual(['lager']);

  // Forty minutes later the order is not picked up again.
  let clock = Date.now();
  const before = createSellDraft(storage, () => clock);
  before.signedIn('anna');
  before.setCart(new Map([['lager', { item: lager, qty: 1 }]]));
  clock += 40 * 60_000;
  expect(createSellDraft(storage, () => clock).cart().size).toBe(0);
});

test('an item taken off the menu leaves the order, and a new price replaces the old one', () => {
  const mojito = { ...lager, itemId: 'mojito', name: 'Mojito', priceNc: 1400, priceChf: 1400 };
  const cart = new Map([
    ['lager', { item: lager, qty: 2 }],
    ['mojito', { item: mojito, qty: 1 }],
  ]);
  expect(matchCatalog(cart, [lager, mojito])).toBeNull();

  const removed = matchCatalog(cart, [lager, { ...mojito, available: false }]);
  expect([...(removed?.cart.keys() ?? [])]).toEqual(['lager']);
  expect(removed?.notice).toBe('No longer sold, taken out of the order: Mojito.');
  // Gone from the pull altogether is the same as unavailable.
  expect([...(matchCatalog(cart, [lager])?.cart.keys() ?? [])]).toEqual(['lager']);

  const dearer = { ...lager, priceNc: 800, priceChf: 750 };
  const repriced = matchCatalog(cart, [dearer]);
  expect(repriced?.cart.get('lager')).toEqual({ item: dearer, qty: 2 });
  expect(repriced?.notice).toBe(
    'No longer sold, taken out of the order: Mojito. New price now in the order: Lager 0.33.',
  );
});
