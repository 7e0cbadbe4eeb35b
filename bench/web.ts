/**
 * npm run bench:web — the dashboard with a user of ~3 years of activity: the time from navigation to
 * the dashboard's charts drawn (the daily bar chart and the 365-day calendar) in Debian's Chromium,
 * for Last 7 Days and for the last 365 days (a custom range), p50 of 5 loads; the API time (p50, p99)
 * of each request the dashboard makes; the production bundle's size (all of it, what the first page
 * load fetches, and the dashboard's chunks), raw and gzip.
 *
 * Targets (issue 9): every request p50 < 50 ms; charts drawn < 1.5 s.
 * Knobs: BENCH_YEARS (3), BENCH_PER_DAY (2800 heartbeats on a working day), BENCH_DIALECTS
 * (sqlite,postgres), BENCH_LOADS (5).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DateTime } from 'luxon';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { hashPassword } from '../src/domain/password.js';
import { openDatabase, type Dialect } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { findUserById, insertUser, updateUser } from '../src/storage/users.js';
import { createApiKey } from '../src/storage/api-keys.js';
import { ensureWebBuilt, WEB_DIST } from '../test/helpers/web-build.js';
import { benchDatabase, fmt, percentile, seedDays } from './support.js';

const YEARS = Number(process.env.BENCH_YEARS ?? 3);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 2800);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const ZONE = 'Europe/Berlin';
const PASSWORD = 'bench password 1';
const TARGET_REQUEST_MS = 50;
const TARGET_DRAWN_MS = 1500;

function dayHeartbeats(day: DateTime, seqStart: number, now: number): { time: number; seq: number }[] {
  const count = day.weekday >= 6 ? Math.floor(PER_DAY / 5) : PER_DAY;
  const out: { time: number; seq: number }[] = [];
  let t = day.plus({ hours: 9 }).toSeconds();
  for (let i = 0; i < count; i++) {
    t += 6 + ((seqStart + i) * 7919) % 5 + (i % 400 === 399 ? 1800 : 0);
    if (t > now) break;
    out.push({ time: t, seq: seqStart + i });
  }
  return out;
}

function bundleSizes(): string[] {
  const assets = path.join(WEB_DIST, 'assets');
  const files = fs.readdirSync(assets);
  const size = (names: string[]) => {
    let raw = 0;
    let gz = 0;
    for (const f of names) {
      const b = fs.readFileSync(path.join(assets, f));
      raw += b.length;
      gz += zlib.gzipSync(b, { level: 9 }).length;
    }
    return `${fmt(raw / 1024)} KiB (${fmt(gz / 1024)} KiB gzip)`;
  };
  const index = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const initial = files.filter((f) => index.includes(`/assets/${f}`));
  const dashboard = files.filter((f) => /^(Dashboard|StackedBars|Breakdown|RangePicker|queries)-/.test(f));
  return [
    `bundle: all of web/dist/assets ${size(files)} in ${files.length} files`,
    `bundle: first page load (index.html's script and stylesheet) ${size(initial)}`,
    `bundle: the dashboard's own chunks (page, charts with Chart.js) ${size(dashboard)}`,
  ];
}

ensureWebBuilt();
console.log(`bench:web — ${YEARS} years of activity, up to ${fmt(PER_DAY)} heartbeats per working day, zone ${ZONE} (a shared, busy machine: figures vary)`);
for (const line of bundleSizes()) console.log(line);

for (const dialect of DIALECTS) {
  const db = await benchDatabase(dialect, 'web');
  if (!db) continue;
  const storage = openDatabase(db.url, { sqliteSynchronous: 'NORMAL', poolSize: 10 });
  try {
    await migrateToLatest(storage);
    const user = await insertUser(storage.db, { username: 'benchweb', passwordHash: await hashPassword(PASSWORD) });
    await updateUser(storage.db, user.id, { timezone: ZONE, keystroke_timeout: 15 });
    const { key } = await createApiKey(storage.db, user.id, 'bench');
    const now = Date.now() / 1000;
    const today = DateTime.fromSeconds(now, { zone: ZONE }).startOf('day');
    const total = await seedDays(storage, user.id, { first: today.minus({ years: YEARS }), last: today, seqPerDay: PER_DAY, now }, dayHeartbeats);
    console.log(`[${dialect}] stored ${fmt(total)} heartbeats`);

    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    const app = await buildApp({ config, storage, logger: { level: 'warn' } });
    const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const fresh = await findUserById(storage.db, user.id);
    for (;;) {
      if ((await app.ctx.services.rollups.ensureFresh(fresh!)).ready) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const auth = `Basic ${Buffer.from(key).toString('base64')}`;
    const yearAgo = today.minus({ days: 364 }).toISODate()!;
    const range7 = `range=${encodeURIComponent('Last 7 Days')}`;
    const range365 = `start=${yearAgo}&end=${today.toISODate()}`;
    // every request the dashboard makes (its data hooks), for both ranges
    const requests: [string, string][] = [
      ['session', '/api/web/session'],
      ['dashboard, Last 7 Days', `/api/v1/users/current/dashboard?${range7}`],
      ['dashboard, last 365 days', `/api/v1/users/current/dashboard?${range365}`],
      ['(summaries, last 365 days: not asked)', `/api/v1/users/current/summaries?${range365}`],
      ['activity (365-day calendar)', '/api/v1/users/current/activity'],
      ["durations (today's timeline)", '/api/v1/users/current/durations?date=today'],
    ];
    for (const [label, p] of requests) {
      const lat: number[] = [];
      for (let i = 0; i < 25; i++) {
        const t0 = performance.now();
        const res = await fetch(`${base}${p}`, { headers: { authorization: auth } });
        await res.arrayBuffer();
        if (i >= 5) lat.push(performance.now() - t0); // the first few warm the JIT
        if (res.status !== 200) console.log(`[${dialect}] WARNING: ${p} answered ${res.status}`);
      }
      lat.sort((a, b) => a - b);
      const p50 = percentile(lat, 50);
      console.log(`[${dialect}] API ${label.padEnd(38)} p50 ${fmt(p50, 1).padStart(6)} ms  p99 ${fmt(percentile(lat, 99), 1).padStart(6)} ms   target p50 < ${TARGET_REQUEST_MS} ms: ${p50 < TARGET_REQUEST_MS ? 'meets' : 'MISSES'}`);
    }

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const visit = await context.request.get(`${base}/api/web/session`);
      const csrf = (await visit.json()).data.csrf_token as string;
      const login = await context.request.post(`${base}/api/web/login`, { headers: { 'x-csrf-token': csrf }, data: { login: 'benchweb', password: PASSWORD } });
      if (login.status() !== 200) throw new Error(`login answered ${login.status()}`);
      for (const [label, search] of [
        ['Last 7 Days', range7],
        ['last 365 days', range365],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < LOADS + 1; i++) {
          const page = await context.newPage();
          const t0 = performance.now();
          await page.goto(`${base}/dashboard?${search}`);
          await page.locator('[data-testid="bars-projects"][data-drawn="true"]').waitFor({ timeout: 60_000 });
          await page.locator('[data-testid="calendar"]').waitFor({ timeout: 60_000 });
          if (i > 0) times.push(performance.now() - t0); // the first load warms the server and the browser's cache
          await page.close();
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 50);
        console.log(`[${dialect}] navigation → charts drawn, ${label.padEnd(13)} p50 ${fmt(p50)} ms (max ${fmt(times[times.length - 1]!)} ms)   target < ${TARGET_DRAWN_MS} ms: ${p50 < TARGET_DRAWN_MS ? 'meets' : 'MISSES'}`);
      }
    } finally {
      await browser.close();
    }
    await app.close();
  } finally {
    await storage.close().catch(() => undefined);
    await db.drop();
  }
}
