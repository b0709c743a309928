import type { Envelope, LiveCounters, Tender } from '@niteos/schema/wire';
import type { KvStore } from '../kv/store.ts';
import { businessDay } from './business-day.ts';

/** Long enough to read tonight's figures the next afternoon; then the keys go. */
const TTL_SECONDS = 36 * 3600;
const TENDERS: Tender[] = ['nc', 'cash', 'card'];

const guestsKey = (venueId: string, day: string) => `live:${day}:${venueId}:guests`;
const salesKey = (venueId: string, day: string) => `live:${day}:${venueId}:sales`;

/** An op a push has just committed (not a duplicate), with where it stands. */
export interface CountedOp {
  envelope: Envelope;
  status: 'applied' | 'held';
}

/**
 * Adds one committed push to tonight's counters of its venue: every NiteTap
 * it names is a guest seen; applied sales add to their tender and applied
 * voids take their sale back out. Counted on arrival (server clock).
 */
export async function countPush(
  kv: KvStore,
  venueId: string,
  ops: CountedOp[],
  now: Date,
): Promise<void> {
  const day = businessDay(now);
  const tags = new Set<string>();
  const by: Record<string, number> = {};
  const add = (field: string, n: number) => {
    by[field] = (by[field] ?? 0) + n;
  };
  for (const { envelope: e, status } of ops) {
    if (e.nitetapId) tags.add(e.nitetapId);
    if (status !== 'applied' || (e.op !== 'sale' && e.op !== 'void')) continue;
    const sign = e.op === 'sale' ? 1 : -1;
    add(`${e.tender}:count`, sign);
    add(`${e.tender}:nc`, sign * e.amountNc);
    add(`${e.tender}:chf`, sign * e.amountChf);
  }
  await Promise.all([
    kv.addDistinct(guestsKey(venueId, day), [...tags], TTL_SECONDS),
    Object.keys(by).length > 0
      ? kv.incrementFields(salesKey(venueId, day), by, TTL_SECONDS)
      : undefined,
  ]);
}

/** Tonight's counters of one venue. */
export async function readLiveCounters(
  kv: KvStore,
  venueId: string,
  now: Date,
): Promise<LiveCounters> {
  const day = businessDay(now);
  const [guests, fields] = await Promise.all([
    kv.countDistinct(guestsKey(venueId, day)),
    kv.readFields(salesKey(venueId, day)),
  ]);
  const sales = Object.fromEntries(
    TENDERS.map((t) => [
      t,
      {
        count: fields[`${t}:count`] ?? 0,
        amountNc: fields[`${t}:nc`] ?? 0,
        amountChf: fields[`${t}:chf`] ?? 0,
      },
    ]),
  ) as LiveCounters['sales'];
  return { venueId, day, guests, sales };
}
