import type { Envelope } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { describeEachKvStore } from '../test-support/kv-stores.ts';
import { countPush, readLiveCounters } from './live-counters.ts';

const op = (over: Partial<Envelope>): Envelope =>
  ({
    op: 'sale',
    tender: 'nc',
    nitetapId: null,
    amountNc: 0,
    amountChf: 0,
    ...over,
  }) as Envelope;

const night = new Date('2026-11-21T23:30:00Z');
const lateNight = new Date('2026-11-22T04:00:00Z');
const nextDay = new Date('2026-11-22T07:00:00Z');

describeEachKvStore('live counters', (store) => {
  test('count distinct guests and net sales per tender for tonight, per venue', async () => {
    const kv = store();
    await countPush(
      kv,
      'v1',
      [
        { status: 'applied', envelope: op({ nitetapId: 'aa01', amountNc: 900 }) },
        { status: 'applied', envelope: op({ nitetapId: 'bb02', amountNc: 600 }) },
        { status: 'held', envelope: op({ nitetapId: 'cc03', amountNc: 99_999 }) },
        { status: 'applied', envelope: op({ tender: 'cash', amountNc: 500, amountChf: 500 }) },
        { status: 'applied', envelope: op({ tender: 'card', amountChf: 1200 }) },
      ],
      night,
    );
    // Later the same night: a returning guest and a void of the first sale.
    await countPush(
      kv,
      'v1',
      [
        { status: 'applied', envelope: op({ nitetapId: 'aa01', amountNc: 300 }) },
        { status: 'applied', envelope: op({ op: 'void', nitetapId: 'aa01', amountNc: 900 }) },
      ],
      lateNight,
    );
    await countPush(
      kv,
      'v2',
      [{ status: 'applied', envelope: op({ nitetapId: 'dd04', amountNc: 100 }) }],
      night,
    );

    const v1 = await readLiveCounters(kv, 'v1', lateNight);
    expect(v1).toEqual({
      venueId: 'v1',
      day: '2026-11-21',
      guests: 3,
      sales: {
        nc: { count: 2, amountNc: 900, amountChf: 0 },
        cash: { count: 1, amountNc: 500, amountChf: 500 },
        card: { count: 1, amountNc: 0, amountChf: 1200 },
      },
    });
    expect((await readLiveCounters(kv, 'v2', night)).guests).toBe(1);
    const tomorrow = await readLiveCounters(kv, 'v1', nextDay);
    expect(tomorrow.day).toBe('2026-11-22');
    expect(tomorrow.guests).toBe(0);
    expect(tomorrow.sales.nc.count).toBe(0);
  });
});
