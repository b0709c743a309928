import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A labelled bar chart on uPlot. This module is only ever imported
 * dynamically, so uPlot lands in its own chunk, loaded when the analytics
 * tab opens: never in the till's bundle, not even in the admin chunk.
 */
export function drawBars(
  el: HTMLElement,
  chart: { labels: string[]; values: number[]; series: string; width: number },
): () => void {
  const xs = chart.labels.map((_, i) => i);
  const plot = new uPlot(
    {
      width: chart.width,
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, xs.length - 0.5)] } },
      axes: [
        {
          stroke: '#aaa',
          grid: { show: false },
          splits: () => xs,
          values: (_u, splits) => splits.map((i) => chart.labels[i] ?? ''),
        },
        { stroke: '#aaa', grid: { stroke: '#333' } },
      ],
      series: [
        {},
        {
          label: chart.series,
          fill: '#7c5cff',
          stroke: '#7c5cff',
          paths: uPlot.paths.bars?.({ size: [0.7, 60] }),
          points: { show: false },
        },
      ],
    },
    [xs, chart.values],
    el,
  );
  return () => plot.destroy();
}
