// ECharts, tree-shaken to what a stacked bar chart with tooltips needs (canvas renderer)
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { painted, yearOfProjects } from './data.js';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const { labels, series } = yearOfProjects();
const t0 = performance.now();
const chart = echarts.init(document.getElementById('chart')!);
chart.setOption({
  animation: false,
  tooltip: { trigger: 'axis' },
  xAxis: { type: 'category', data: labels },
  yAxis: { type: 'value' },
  series: series.map((s) => ({ name: s.name, type: 'bar', stack: 'total', data: s.values })),
});
void painted().then(() => ((window as unknown as { __result: number }).__result = performance.now() - t0));
