import type { Envelope } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { describeEachKvStore } from '../test-support/kv-stores.ts';
import { countTonight, readLiveCounters } from './live-counters.ts';

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
    await countTonight(
      kv,
      'v1',
      {
        // cc03's sale was held: a guest seen, no sale counted.
        tags: ['aa01', 'bb02', 'CC03', 'cc03'],
        standing: [
          op({ nitetapId: 'aa01', amountNc: 900 }),
          op({ nitetapId: 'bb02', amountNc: 600 }),
          op({ tender: 'cash', amountNc: 500, amountChf: 500 }),
          op({ tender: 'card', amountChf: 1200 }),
          op({ op: 'topup', nitetapId: 'bb02', amountNc: 5000 }),
        ],
      },
      night,
    );
    // Later the same night: a returning guest (in capitals) and a void of the first sale.
    await countTonight(
      kv,
      'v1',
      {
        tags: ['AA01'],
        standing: [
          op({ nitetapId: 'aa01', amountNc: 300 }),
          op({ op: 'void', nitetapId: 'aa01', amountNc: 900 }),
        ],
      },
      lateNight,
    );
    await countTonight(
      kv,
      'v2',
      { tags: ['dd04'], standing: [op({ nitetapId: 'dd04', amountNc: 100 })] },
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
