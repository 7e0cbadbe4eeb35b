/**
 * Property: for random heartbeat streams inserted in random order and batches, with random
 * deletes and reads in between (so rollups are built, then maintained incrementally), the
 * rollup-served summaries and stats equal a deliberately simple reference, to the second, in
 * several time zones, timeouts (up to 240 minutes: a change reaches several hours back) and
 * writes_only settings. Incremental maintenance recomputes only the UTC hours a change touches
 * (± timeout) and re-sums the days from their hours, so this also checks that scheme.
 *
 * Filters and cross-breakdowns (one project's languages, branches and files; one language's
 * projects; a project and a branch) come from the rollup cube: they must equal the reference
 * restricted to the matching heartbeats (gaps still measured on the whole stream).
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describeEachDatabase } from '../helpers/harness.js';
import { cliHeaders } from '../helpers/fixtures.js';

interface Hb {
  time: number;
  project: string;
  language: string;
  is_write: boolean;
  entity: string;
  branch: string | null;
  category: string;
  /** The id the server answered (hex of the heartbeat's hash). */
  id?: string;
}

/**
 * The reference: the rule as the spec README states it, written as plainly as possible. Heartbeats
 * with the same time are ordered by their id (the documented tie rule), so which of them is
 * "earlier" does not depend on the order they were sent in.
 */
function reference(hbs: Hb[], zone: string, timeoutSeconds: number, writesOnly: boolean, include: (h: Hb) => boolean = () => true) {
  const list = hbs.filter((h) => !writesOnly || h.is_write).sort((a, b) => a.time - b.time || parseInt(a.id!, 16) - parseInt(b.id!, 16));
  type Day = { total: number; projects: Map<string, number>; languages: Map<string, number>; branches: Map<string, number>; entities: Map<string, number> };
  const days = new Map<string, Day>();
  const add = (m: Map<string, number>, k: string, s: number) => m.set(k, (m.get(k) ?? 0) + s);
  const credit = (date: string, h: Hb, s: number) => {
    const d = days.get(date) ?? { total: 0, projects: new Map(), languages: new Map(), branches: new Map(), entities: new Map() };
    d.total += s;
    add(d.projects, h.project, s);
    add(d.languages, h.language, s);
    if (h.branch) add(d.branches, h.branch, s);
    add(d.entities, h.entity, s);
    days.set(date, d);
  };
  for (let i = 0; i + 1 < list.length; i++) {
    const gap = list[i + 1]!.time - list[i]!.time;
    if (gap >= timeoutSeconds || !include(list[i]!)) continue;
    let t = list[i]!.time;
    const end = t + gap;
    while (t < end) {
      const local = DateTime.fromSeconds(t, { zone });
      const nextMidnight = local.startOf('day').plus({ days: 1 }).toSeconds();
      const pieceEnd = Math.min(end, nextMidnight);
      credit(local.toISODate()!, list[i]!, pieceEnd - t);
      t = pieceEnd;
    }
  }
  return days;
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];

describeEachDatabase('rollups equal a simple reference', (t) => {
  it('for random streams, insert orders, deletes and settings', async () => {
    const today = DateTime.utc().startOf('day');
    const windowStart = today.minus({ days: 6 }).toSeconds();
    const hbArb = fc.record({
      offset: fc.integer({ min: 0, max: 5 * 86400 }),
      project: fc.constantFrom('alpha', 'beta', 'gamma'),
      language: fc.constantFrom('Go', 'Rust', 'Other'),
      is_write: fc.boolean(),
      branch: fc.constantFrom('main', 'dev', null),
    });
    // bursts: clustered heartbeats make gaps under and over the timeouts
    const streamArb = fc.array(fc.tuple(hbArb, fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 0, maxLength: 12 })), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        fc.constantFrom(...ZONES),
        fc.constantFrom(1, 5, 15, 30, 240),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.integer(),
        async (bursts, zone, timeout, writesOnly, batches, deleteShare, seed) => {
          const { apiKey } = await t.createUser();
          const patch = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/current', headers: t.auth(apiKey), payload: { timezone: zone, timeout, writes_only: writesOnly } });
          expect(patch.statusCode).toBe(200);
          const hbs: Hb[] = [];
          let n = 0;
          for (const [start, gaps] of bursts) {
            let time = windowStart + start.offset;
            // languages and files vary within a burst: cross-breakdowns see several per project
            const push = () =>
              hbs.push({
                time,
                project: start.project,
                language: n % 5 === 4 ? 'Go' : start.language,
                branch: n % 7 === 6 ? null : start.branch,
                category: n % 3 === 2 ? 'debugging' : 'coding',
                is_write: (n++ + seed) % 3 !== 0 || start.is_write,
                entity: `f${n % 4}`,
              });
            push();
            for (const g of gaps) {
              time += g;
              push();
            }
          }
          // random order, random batches, a read between batches (incremental maintenance)
          const rand = fc.sample(fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), { numRuns: 1, seed })[0]!;
          const it = rand[Symbol.iterator]();
          const r = () => it.next().value as number;
          const shuffled = [...hbs].sort(() => r() - 0.5);
          const size = Math.ceil(shuffled.length / batches);
          const ids = new Map<Hb, string>();
          for (let i = 0; i < shuffled.length; i += size) {
            const batch = shuffled.slice(i, i + size);
            const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders(), ...t.auth(apiKey) }, payload: batch });
            expect(res.statusCode).toBe(201);
            (res.json().responses as [{ data: { id: string } }, number][]).forEach(([d], k) => ids.set(batch[k]!, d.data.id));
            await t.app.inject({ method: 'GET', url: '/api/v1/users/current/status_bar/today', headers: t.auth(apiKey) });
          }
          // delete a random share, day by day
          const doomed = shuffled.filter(() => r() < deleteShare);
          const byDate = new Map<string, string[]>();
          for (const h of doomed) {
            const date = DateTime.fromSeconds(h.time, { zone }).toISODate()!;
            byDate.set(date, [...(byDate.get(date) ?? []), ids.get(h)!]);
          }
          for (const [date, list] of byDate) {
            const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/current/heartbeats.bulk', headers: t.auth(apiKey), payload: { date, ids: list } });
            expect(del.statusCode).toBe(200);
          }
          const kept = hbs.filter((h) => !doomed.includes(h)).map((h) => ({ ...h, id: ids.get(h)! }));
          const expected = reference(kept, zone, timeout * 60, writesOnly);

          const first = DateTime.fromSeconds(windowStart, { zone }).minus({ days: 1 }).toISODate()!;
          const last = DateTime.now().setZone(zone).toISODate()!;
          const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/summaries?start=${first}&end=${last}`, headers: t.auth(apiKey) });
          expect(res.statusCode).toBe(200);
          let sum = 0;
          for (const day of res.json().data as any[]) {
            const e = expected.get(day.range.date);
            sum += e?.total ?? 0;
            expect(day.grand_total.total_seconds, `${zone} ${day.range.date}`).toBeCloseTo(e?.total ?? 0, 0);
            for (const p of day.projects) expect(p.total_seconds, p.name).toBeCloseTo(e!.projects.get(p.name) ?? 0, 0);
            for (const l of day.languages) expect(l.total_seconds, l.name).toBeCloseTo(e!.languages.get(l.name) ?? 0, 0);
          }
          expect(res.json().cumulative_total.seconds).toBeCloseTo(sum, 0);

          const stats = (await t.app.inject({ method: 'GET', url: '/api/v1/users/current/stats/all_time', headers: t.auth(apiKey) })).json().data;
          let all = 0;
          let other = 0;
          for (const d of expected.values()) {
            all += d.total;
            other += d.languages.get('Other') ?? 0;
          }
          expect(stats.total_seconds_including_other_language).toBeCloseTo(all, 0);
          expect(stats.total_seconds).toBeCloseTo(all - other, 0);
          expect(stats.is_up_to_date).toBe(true);

          // filters and cross-breakdowns, from the cube
          const project = kept[Math.floor(r() * kept.length)]?.project ?? 'alpha';
          const get = async (url: string) => {
            const res = await t.app.inject({ method: 'GET', url: `/api/v1/users/current/${url}`, headers: t.auth(apiKey) });
            expect(res.statusCode, url).toBe(200);
            return res.json();
          };
          const compare = (label: string, got: { name: string; total_seconds: number }[] | undefined, want: Map<string, number> | undefined) => {
            const names = new Set([...(got ?? []).map((x) => x.name), ...[...(want ?? new Map()).entries()].filter(([, s]) => s >= 0.5).map(([n]) => n)]);
            for (const name of names) expect(got?.find((x) => x.name === name)?.total_seconds ?? 0, `${label} ${name}`).toBeCloseTo(want?.get(name) ?? 0, 0);
          };
          // one project: its languages, branches and files per day
          const ofProject = reference(kept, zone, timeout * 60, writesOnly, (h) => h.project === project);
          const oneProject = await get(`summaries?start=${first}&end=${last}&project=${project}`);
          for (const day of oneProject.data as any[]) {
            const e = ofProject.get(day.range.date);
            const label = `${zone} ${timeout} ${project} ${day.range.date}`;
            expect(day.grand_total.total_seconds, label).toBeCloseTo(e?.total ?? 0, 0);
            compare(`${label} languages`, day.languages, e?.languages);
            compare(`${label} branches`, day.branches, e?.branches);
            compare(`${label} entities`, day.entities, e?.entities);
          }
          // one project and one branch
          const ofBranch = reference(kept, zone, timeout * 60, writesOnly, (h) => h.project === project && h.branch === 'main');
          const projectBranch = await get(`summaries?start=${first}&end=${last}&project=${project}&branches=main`);
          for (const day of projectBranch.data as any[]) {
            const e = ofBranch.get(day.range.date);
            const label = `${zone} ${project}@main ${day.range.date}`;
            expect(day.grand_total.total_seconds, label).toBeCloseTo(e?.total ?? 0, 0);
            compare(`${label} languages`, day.languages, e?.languages);
            compare(`${label} entities`, day.entities, e?.entities);
          }
          // one project and one category: its files (entities and dependencies are kept per combination)
          const ofDebugging = reference(kept, zone, timeout * 60, writesOnly, (h) => h.project === project && h.category === 'debugging');
          const projectCategory = await get(`summaries?start=${first}&end=${last}&project=${project}&category=debugging`);
          for (const day of projectCategory.data as any[]) {
            const e = ofDebugging.get(day.range.date);
            const label = `${zone} ${project} debugging ${day.range.date}`;
            expect(day.grand_total.total_seconds, label).toBeCloseTo(e?.total ?? 0, 0);
            compare(`${label} entities`, day.entities, e?.entities);
            compare(`${label} branches`, day.branches, e?.branches);
          }
          // one language over all time: its projects (stats), and per day (summaries)
          const ofGo = reference(kept, zone, timeout * 60, writesOnly, (h) => h.language === 'Go');
          const goProjects = new Map<string, number>();
          let goTotal = 0;
          for (const d of ofGo.values()) {
            goTotal += d.total;
            for (const [n, s] of d.projects) goProjects.set(n, (goProjects.get(n) ?? 0) + s);
          }
          const goStats = (await get('stats/all_time?language=Go')).data;
          expect(goStats.total_seconds_including_other_language, 'Go all_time').toBeCloseTo(goTotal, 0);
          compare('Go all_time projects', goStats.projects, goProjects);
          const goDays = await get(`summaries?start=${first}&end=${last}&language=Go`);
          for (const day of goDays.data as any[]) {
            const e = ofGo.get(day.range.date);
            expect(day.grand_total.total_seconds, `Go ${day.range.date}`).toBeCloseTo(e?.total ?? 0, 0);
            compare(`Go ${day.range.date} projects`, day.projects, e?.projects);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
