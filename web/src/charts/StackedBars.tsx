/**
 * Coding time per day as bars stacked by name (projects on the dashboard, languages on a project
 * page), drawn with Chart.js (the choice and its figures: docs/ARCHITECTURE.md). Hover shows
 * each name's time that day; a click on a segment calls `onSelect(name)` (the dashboard opens the
 * project). The most active names get their own colour, the rest one grouped segment.
 */
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { humanText } from '../../../src/domain/format.js';
import { colorAt, cssVar, GROUPED_COLOR } from './palette.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const GROUPED = 'Other (grouped)';

/** A day and its names' seconds (a project per segment on the dashboard, a language on a project page). */
export interface StackDay {
  date: string;
  items: readonly { name: string; total_seconds: number }[] | null;
}

/** The datasets: the `top` names with most time over the range, the rest summed per day. */
export function stackSeries(days: readonly StackDay[], top = 10): { labels: string[]; series: { name: string; values: number[]; grouped: boolean }[] } {
  const totals = new Map<string, number>();
  for (const d of days) for (const it of d.items ?? []) totals.set(it.name, (totals.get(it.name) ?? 0) + it.total_seconds);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n]) => n);
  const kept = ranked.slice(0, top);
  const keptSet = new Set(kept);
  const perDay = days.map((d) => new Map((d.items ?? []).map((i) => [i.name, i.total_seconds])));
  const series = kept.map((name) => ({ name, values: perDay.map((m) => m.get(name) ?? 0), grouped: false }));
  if (ranked.length > top) {
    series.push({ name: GROUPED, values: days.map((d) => (d.items ?? []).filter((i) => !keptSet.has(i.name)).reduce((s, i) => s + i.total_seconds, 0)), grouped: true });
  }
  return { labels: days.map((d) => d.date), series };
}

function shortDate(date: string, many: boolean): string {
  const d = new Date(`${date}T00:00:00Z`);
  return d.toLocaleDateString(undefined, many ? { month: 'short', day: 'numeric', timeZone: 'UTC' } : { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function StackedBars({ days, testId, label, onSelect, height = 260 }: { days: readonly StackDay[]; testId: string; label: string; onSelect?: (name: string) => void; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!canvas.current) return;
    const { labels, series } = stackSeries(days);
    const many = labels.length > 14;
    const text = cssVar('--muted', '#5b6470');
    const grid = cssVar('--border', '#dde1e6');
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: labels.map((l) => shortDate(l, many)),
        datasets: series.map((s, i) => ({ label: s.name, data: s.values.map((v) => v / 3600), backgroundColor: s.grouped ? GROUPED_COLOR : colorAt(i), borderWidth: 0, maxBarThickness: 48 })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, ticks: { color: text, maxRotation: 0, autoSkip: true, autoSkipPadding: 8 }, grid: { display: false } },
          y: { stacked: true, ticks: { color: text, callback: (v) => `${v} h` }, grid: { color: grid }, beginAtZero: true },
        },
        plugins: {
          legend: { position: 'bottom', labels: { color: text, boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            filter: (item) => (item.raw as number) > 0,
            itemSort: (a, b) => (b.raw as number) - (a.raw as number),
            callbacks: {
              title: (items) => (items[0] ? labels[items[0].dataIndex] ?? '' : ''),
              label: (item) => ` ${item.dataset.label}: ${humanText((item.raw as number) * 3600)}`,
              footer: (items) => `Total: ${humanText(items.reduce((s, i) => s + (i.raw as number) * 3600, 0))}`,
            },
          },
        },
        onClick: (_event, elements, chart) => {
          // the segment under the pointer (index mode lists the day's segments: take the hit one)
          const hit = chart.getElementsAtEventForMode(_event as unknown as Event, 'nearest', { intersect: true }, false)[0] ?? elements[0];
          if (!hit) return;
          const s = series[hit.datasetIndex];
          if (s && !s.grouped) select.current?.(s.name);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length && select.current ? 'pointer' : 'default';
        },
      },
    };
    const chart = new Chart(canvas.current, config);
    // the browser tests and bench:web find the drawn bars through it
    Object.defineProperty(canvas.current, '__chart', { value: chart, configurable: true });
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => box.current?.setAttribute('data-drawn', 'true'));
    });
    return () => {
      cancelAnimationFrame(frame);
      box.current?.removeAttribute('data-drawn');
      chart.destroy();
    };
  }, [days]);

  const { series } = stackSeries(days);
  return (
    <div ref={box} className="chart" style={{ height }} data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={label}>
        {/* what the picture says, for screen readers and text browsers */}
        {series.map((s) => `${s.name}: ${humanText(s.values.reduce((a, b) => a + b, 0))}`).join(', ')}
      </canvas>
    </div>
  );
}
