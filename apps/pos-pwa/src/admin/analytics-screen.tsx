import type { AnalyticsSnapshot, LiveCounters } from '@niteos/schema/wire';
import { createResource, onCleanup, onMount, Show } from 'solid-js';
import { chf, nc } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { Loaded } from './loaded.tsx';

/** One bar chart; uPlot is fetched on first use (see bar-chart.ts). */
function BarChart(props: { title: string; series: string; labels: string[]; values: number[] }) {
  let el!: HTMLDivElement;
  let destroy: (() => void) | undefined;
  onMount(async () => {
    const { drawBars } = await import('./bar-chart.ts');
    destroy = drawBars(el, {
      labels: props.labels,
      values: props.values,
      series: props.series,
      width: Math.min(640, el.clientWidth || 640),
    });
  });
  onCleanup(() => destroy?.());
  return (
    <figure class="chart" data-testid={`chart-${props.series}`}>
      <figcaption>{props.title}</figcaption>
      <Show when={props.values.length > 0} fallback={<p class="muted">Nothing yet.</p>}>
        <div ref={el} />
      </Show>
    </figure>
  );
}

function LivePanel(props: { live: LiveCounters }) {
  const s = () => props.live.sales;
  return (
    <table class="table report" data-testid="live-counters">
      <caption>Tonight (business day {props.live.day}, from 06:00 UTC)</caption>
      <tbody>
        <tr>
          <td>Guests seen</td>
          <td data-testid="live-guests">{props.live.guests}</td>
        </tr>
        <tr>
          <td>NC sales</td>
          <td>
            {s().nc.count} · {nc(s().nc.amountNc)}
          </td>
        </tr>
        <tr>
          <td>Cash sales</td>
          <td>
            {s().cash.count} · {chf(s().cash.amountChf)}
          </td>
        </tr>
        <tr>
          <td>Card sales</td>
          <td>
            {s().card.count} · {chf(s().card.amountChf)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function Charts(props: { snap: AnalyticsSnapshot }) {
  const hourLabel = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
  return (
    <div class="charts">
      <BarChart
        title="Sales per hour (UTC, net of voids)"
        series="sales-per-hour"
        labels={props.snap.salesPerHour.map((h) => hourLabel(h.hour))}
        values={props.snap.salesPerHour.map((h) => h.count)}
      />
      <BarChart
        title="Top items (quantity)"
        series="top-items"
        labels={props.snap.topItems.map((i) => i.name ?? i.itemId)}
        values={props.snap.topItems.map((i) => i.qty)}
      />
      <BarChart
        title="Tender mix (sales)"
        series="tender-mix"
        labels={props.snap.tenderMix.map((t) => t.tender)}
        values={props.snap.tenderMix.map((t) => t.count)}
      />
      <BarChart
        title="Conflicts per night"
        series="conflicts-per-night"
        labels={props.snap.conflictsPerNight.map((n) => n.night)}
        values={props.snap.conflictsPerNight.map((n) => n.count)}
      />
      <p class="muted">
        Last 7 days, computed in {props.snap.source === 'mongo' ? 'MongoDB' : 'PostgreSQL'}.
      </p>
    </div>
  );
}

/** Tonight's live counters and the week's analytics snapshots of one venue. */
export function AnalyticsScreen(props: { api: AdminApi; venueId: string }) {
  const [live, liveRes] = createResource(() => props.venueId, props.api.live);
  const [snap, snapRes] = createResource(() => props.venueId, props.api.analytics);
  return (
    <section data-testid="analytics">
      <Loaded resource={live} retry={liveRes.refetch}>
        {(l) => <LivePanel live={l()} />}
      </Loaded>
      <Loaded resource={snap} retry={snapRes.refetch}>
        {(s) => <Charts snap={s()} />}
      </Loaded>
    </section>
  );
}
