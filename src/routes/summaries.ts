/** GET /users/:user/summaries: per-day summaries of a date range, and the status bar (today). */
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { isoUtc } from '../domain/calendar.js';
import { datesBetween, DIMENSIONS, ROLLUP_DIMENSIONS, sumDays, type DayTotals } from '../domain/duration.js';
import { cumulativeTotal, dailyAverage, summaryDay } from '../domain/summary.js';
import { OTHER_LANGUAGE } from '../domain/duration.js';
import { daysBetweenInclusive, rangeBounds, summaryRange, SUMMARY_RANGES } from '../domain/ranges.js';
import { resolveTargetUser } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import { FilterQuerystring, heartbeatFilter, machineIdsOf, readScopes, requestSettings, requireDate, resolveTimeTarget, TimeQuerystring, visibilityFor } from '../http/time-params.js';
import type { Visibility } from '../domain/summary.js';
import type { RouteFamily } from './types.js';

/** At most this many days in one summaries request. */
const MAX_DAYS = 366 * 2;

/** Blanks what the viewer may not see (narrowed OAuth scopes). */
function narrow(day: Record<string, unknown>, v: Visibility): Record<string, unknown> {
  for (const key of ['categories', 'projects', 'languages', 'editors', 'operating_systems', 'dependencies', 'machines'] as const) {
    if (!v[key]) day[key] = null;
  }
  if (!v.projects) {
    if ('branches' in day) day.branches = null;
    if ('entities' in day) day.entities = null;
  }
  return day;
}

export const summaryRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/summaries',
    {
      schema: {
        summary: "A user's coding activity per day over a range",
        tags: ['summaries'],
        params: UserParams,
        querystring: Type.Object({
          start: Type.Optional(Type.String({ maxLength: 64 })),
          end: Type.Optional(Type.String({ maxLength: 64 })),
          range: Type.Optional(Type.String({ maxLength: 64, description: SUMMARY_RANGES.join(', ') })),
          ...FilterQuerystring,
          ...TimeQuerystring,
        }),
      },
    },
    async (request, reply) => {
      const { target, visibility } = await resolveTimeTarget(storage, request, { scope: readScopes('summaries'), family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, false);
      const now = Date.now() / 1000;
      let first: string | null;
      let last: string | null;
      if (q.range) {
        const r = summaryRange(q.range, settings.zone, now);
        if (!r) throw new HttpError(400, `Unknown range: use one of ${SUMMARY_RANGES.join(', ')}.`, 'range');
        first = r.first;
        last = r.last;
      } else {
        if (!q.start) throw new HttpError(400, 'This field is required (or give range).', 'start');
        if (!q.end) throw new HttpError(400, 'This field is required (or give range).', 'end');
        first = requireDate(q.start, settings.zone, 'start', now);
        last = requireDate(q.end, settings.zone, 'end', now);
        if (last < first) throw new HttpError(400, 'Must not be before start.', 'end');
      }
      // the span is checked before any list of its days is built
      if (daysBetweenInclusive(first, last) > MAX_DAYS) throw new HttpError(400, `At most ${MAX_DAYS} days per request.`, 'end');
      const dates = datesBetween(first, last);

      const include = heartbeatFilter(q);
      const withProjectDetail = !!(q.project && q.project !== '');
      const answer = await services.time.days({
        user: target.user,
        settings,
        first,
        last,
        include,
        dimensions: withProjectDetail ? DIMENSIONS : ROLLUP_DIMENSIONS,
      });
      const machineIds = await machineIdsOf(storage, target.user.id);
      const data = dates.map((d) => narrow(summaryDay(d, answer.value.get(d), { zone: settings.zone, now, machineIds, withProjectDetail }), visibility));
      const all: DayTotals[] = dates.map((d) => answer.value.get(d)).filter((d): d is DayTotals => !!d);
      const total = sumDays(all);
      const bounds = rangeBounds(first, last, settings.zone);
      const body = {
        data,
        cumulative_total: cumulativeTotal(total.total),
        daily_average: dailyAverage(dates.map((d) => answer.value.get(d)?.total ?? 0), total.dims.languages.get(OTHER_LANGUAGE) ?? 0),
        start: isoUtc(bounds.start),
        end: isoUtc(bounds.end - 1),
        timezone: settings.zone,
        is_up_to_date: answer.upToDate,
        percent_calculated: answer.percent,
      };
      return reply.code(answer.upToDate ? 200 : 202).send(body);
    },
  );

  for (const path of ['/api/v1/users/:user/status_bar/today', '/api/v1/users/:user/statusbar/today']) {
    app.get(
      path,
      { schema: { summary: "Today's coding activity for editor status bars (wakatime-cli --today)", tags: ['summaries'], params: UserParams } },
      async (request, reply) => {
        const target = await resolveTargetUser(storage, request, request.params.user, { scope: readScopes('summaries') });
        const settings = requestSettings(target.user, {}, false);
        const now = Date.now() / 1000;
        const today = DateTime.fromSeconds(now, { zone: settings.zone }).toISODate()!;
        const visibility = visibilityFor(target, 'summaries');
        const key = `${today}|${settings.zone}|${settings.timeoutSeconds}|${settings.writesOnly}|${JSON.stringify(visibility)}`;
        let body = services.statusBar.get(target.user.id, key, now);
        if (!body) {
          const answer = await services.time.days({ user: target.user, settings, first: today, last: today });
          const machineIds = await machineIdsOf(storage, target.user.id);
          const day = summaryDay(today, answer.value.get(today), { zone: settings.zone, now, machineIds, withProjectDetail: false });
          body = JSON.stringify({
            cached_at: new Date(now * 1000).toISOString(),
            // Metronome has no paid tier: team features are available to everyone.
            has_team_features: true,
            data: narrow(day, visibility),
          });
          services.statusBar.set(target.user.id, key, body, now);
        }
        return reply.type('application/json; charset=utf-8').send(body);
      },
    );
  }
};
