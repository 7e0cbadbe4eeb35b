// Chart.js, registering only what a stacked bar chart with tooltips needs
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, Legend } from 'chart.js';
import { painted, yearOfProjects } from './data.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const { labels, series } = yearOfProjects();
const t0 = performance.now();
const canvas = document.createElement('canvas');
document.getElementById('chart')!.appendChild(canvas);
new Chart(canvas, {
  type: 'bar',
  data: { labels, datasets: series.map((s) => ({ label: s.name, data: s.values })) },
  options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } }, plugins: { tooltip: { mode: 'index' } } },
});
void painted().then(() => ((window as unknown as { __result: number }).__result = performance.now() - t0));
