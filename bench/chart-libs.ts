/**
 * `npx tsx bench/chart-libs.ts`: the chart-library comparison recorded in docs/ARCHITECTURE.md —
 * the production bundle of a stacked daily bar chart (a year of days × 20 projects, tooltips) with
 * ECharts, Chart.js and uPlot (each tree-shaken to what it needs), and the time from creating the
 * chart to its first paint in Debian's Chromium (median of 5 loads).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, 'chart-libs');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-libs-'));
const LIBS = ['echarts', 'chartjs', 'uplot'] as const;

await build({ root, logLevel: 'warn', build: { outDir: out, emptyOutDir: true, rollupOptions: { input: Object.fromEntries(LIBS.map((l) => [l, path.join(root, `${l}.html`)])) } } });

function jsOf(lib: string): { raw: number; gzip: number } {
  const html = fs.readFileSync(path.join(out, `${lib}.html`), 'utf8');
  const files = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.(?:js|css))"/g)) files.add(m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(out, f));
    raw += buf.length;
    gzip += zlib.gzipSync(buf, { level: 9 }).length;
  }
  return { raw, gzip };
}

const server = http.createServer((req, res) => {
  const file = path.join(out, decodeURIComponent((req.url ?? '/').split('?')[0]!));
  if (!file.startsWith(out) || !fs.existsSync(file)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html' }).end(fs.readFileSync(file));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
console.log('chart library: stacked bars, 365 days × 20 projects (a shared, busy machine: compare, do not quote)');
for (const lib of LIBS) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 400 } });
    await page.goto(`http://127.0.0.1:${port}/${lib}.html`);
    await page.waitForFunction(() => typeof (window as unknown as { __result?: number }).__result === 'number', undefined, { timeout: 30_000 });
    times.push(await page.evaluate(() => (window as unknown as { __result: number }).__result));
    await page.close();
  }
  times.sort((a, b) => a - b);
  const size = jsOf(lib);
  console.log(`${lib.padEnd(8)} bundle ${(size.raw / 1024).toFixed(0).padStart(5)} KiB (${(size.gzip / 1024).toFixed(0).padStart(4)} KiB gzip)   render p50 ${times[2]!.toFixed(0).padStart(4)} ms`);
}
await browser.close();
server.close();
fs.rmSync(out, { recursive: true, force: true });
