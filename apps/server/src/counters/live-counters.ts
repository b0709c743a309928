import type { Envelope, LiveCounters, Tender } from '@niteos/schema/wire';
import { businessDay } from '@niteos/schema/wire';
import type { AppDeps } from '../context.ts';
import type { KvStore } from '../kv/store.ts';

/** Long enough to read tonight's figures the next afternoon; then the keys go. */
const TTL_SECONDS = 36 * 3600;
const TENDERS: Tender[] = ['nc', 'cash', 'card'];

const guestsKey = (venueId: string, day: string) => `live:${day}:${venueId}:guests`;
const salesKey = (venueId: string, day: string) => `live:${day}:${venueId}:sales`;

/** What a committed push, or a settled conflict, adds to tonight's counters. */
export interface Tonight {
  /** The NiteTaps its new ops name (held ones too): guests seen. */
  tags: string[];
  /**
   * The ops that came to stand and count in the sales figures
   * (`countsInFigures`, as for the analytics events): a void takes back
   * only a sale that was counted, never one still held when voided.
   */
  standing: Pick<Envelope, 'op' | 'tender' | 'amountNc' | 'amountChf'>[];
}

/**
 * Adds to tonight's counters of a venue: distinct guests, and sales per
 * tender net of voids, under the business day of `now` (the caller keeps
 * only tonight's ops: `soldTonight`).
 */
export async function countTonight(
  kv: KvStore,
  venueId: string,
  { tags, standing }: Tonight,
  now: Date,
): Promise<void> {
  const day = businessDay(now);
  const by: Record<string, number> = {};
  const add = (field: string, n: number) => {
    by[field] = (by[field] ?? 0) + n;
  };
  for (const e of standing) {
    if (e.op !== 'sale' && e.op !== 'void') continue;
    const sign = e.op === 'sale' ? 1 : -1;
    add(`${e.tender}:count`, sign);
    add(`${e.tender}:nc`, sign * e.amountNc);
    add(`${e.tender}:chf`, sign * e.amountChf);
  }
  const guests = [...new Set(tags.map((tag) => tag.toLowerCase()))];
  await Promise.all([
    guests.length > 0 ? kv.addDistinct(guestsKey(venueId, day), guests, TTL_SECONDS) : undefined,
    Object.keys(by).length > 0
      ? kv.incrementFields(salesKey(venueId, day), by, TTL_SECONDS)
      : undefined,
  ]);
}

/**
 * `countTonight` once the change committed, not awaited: a slow or down
 * Redis must neither delay the reply nor fail it. Of `standing`, only the
 * ops sold tonight count (`soldTonight`), by the same clock reading as
 * the day they are counted in.
 */
export function countInBackground(
  deps: Pick<AppDeps, 'kv' | 'log'>,
  venueId: string,
  tonight: { tags: string[]; standing: (Tonight['standing'][number] & Pick<Envelope, 'at'>)[] },
  now = new Date(),
): void {
  const counted = { tags: tonight.tags, standing: soldTonight(tonight.standing, now) };
  if (counted.tags.length === 0 && counted.standing.length === 0) return;
  countTonight(deps.kv, venueId, counted, now).catch((err: unknown) =>
    deps.log({
      level: 'warn',
      msg: 'live counters not updated',
      error: err instanceof Error ? err.message : String(err),
    }),
  );
}

/**
 * The settled ops that belong to tonight: a held sale accepted the next
 * afternoon counts in its own night's figures (the analytics events date it
 * by its till time), not in the night about to begin.
 */
export function soldTonight<T extends Pick<Envelope, 'at'>>(ops: T[], now: Date): T[] {
  const tonight = businessDay(now);
  return ops.filter((e) => businessDay(new Date(e.at)) === tonight);
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
