// uPlot: stacked bars drawn as bar paths over cumulative sums (uPlot has no stacking of its own)
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { painted, yearOfProjects } from './data.js';

const { labels, series } = yearOfProjects();
const t0 = performance.now();
const xs = labels.map((_, i) => i);
const cum: number[][] = [];
let acc = xs.map(() => 0);
for (const s of series) {
  acc = acc.map((v, i) => v + s.values[i]!);
  cum.push(acc);
}
const bars = uPlot.paths.bars!({ size: [0.8, 100] });
new uPlot(
  {
    width: 1000,
    height: 300,
    scales: { x: { time: false } },
    series: [{}, ...series.map((s, i) => ({ label: s.name, fill: `hsl(${i * 18} 70% 55%)`, paths: bars })).reverse()],
  },
  [xs, ...cum.slice().reverse()],
  document.getElementById('chart')!,
);
void painted().then(() => ((window as unknown as { __result: number }).__result = performance.now() - t0));
