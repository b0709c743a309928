import { Gauge, type Registry } from 'prom-client';
import { withTimeout } from '../with-timeout.ts';

/** Gauges collected within this long of each other belong to one scrape. */
const SCRAPE_MS = 1000;

/**
 * Gauges read from one source at each scrape. The gauges of one scrape
 * share a single read, so they agree and the database is asked once. A read
 * that takes longer than `timeoutMs` exports NaN: a stalled database must
 * not hang the whole scrape, and with it every other figure, just when they
 * matter. Returns the setter of the source (gauges are registered once).
 */
export function scrapedGauges<K extends string>(
  registry: Registry,
  what: string,
  gauges: { name: string; help: string; field: K }[],
  timeoutMs: number,
) {
  let source: (() => Promise<Record<K, number>>) | null = null;
  let last: { at: number; read: Promise<Record<K, number>>; pending: boolean } | null = null;
  const read = () => {
    if (!source) return Promise.reject(new Error(`${what}: no source`));
    if (!last || (performance.now() - last.at > SCRAPE_MS && !last.pending)) {
      const read = source();
      const current = { at: performance.now(), read, pending: true };
      void read.then(
        () => {
          current.pending = false;
        },
        () => {
          current.pending = false;
        },
      );
      last = current;
    }
    // A read still running (a stalled database) is waited on again, never doubled:
    // each scrape would otherwise hold one more pooled connection.
    return withTimeout(last.read, timeoutMs, what);
  };
  for (const { name, help, field } of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(
          await read().then(
            (values) => values[field],
            () => Number.NaN,
          ),
        );
      },
    });
  }
  return (next: () => Promise<Record<K, number>>) => {
    source = next;
    last = null;
  };
}
