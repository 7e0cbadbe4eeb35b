/**
 * GET /users/:user/dashboard: what the web dashboard draws for a range (summaries' numbers without
 * every day's seven lists: each day's projects, and the range's breakdowns), two StatsQueries.
 *
 * GET /users/:user/activity: what the dashboard's calendar needs and summaries would answer too
 * heavily (every day's seven breakdowns): each day's total over a range (default the last 365
 * days, ending today), the current and longest streaks and the best day. One StatsQuery with no
 * dimensions. The owner (read_summaries), or anyone when the user's coding time is public
 * (the public profile; timeout 15 then, like public stats).
 */
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { datesBetween } from '../domain/duration.js';
import { daysBetweenInclusive } from '../domain/ranges.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import {
  FilterQuerystring,
  MAX_SUMMARY_DAYS,
  readScopes,
  requestSettings,
  requireDate,
  requireSummaryRange,
  resolveTimeTarget,
  SummaryRangeQuerystring,
  TimeQuerystring,
} from '../http/time-params.js';
import { Activity, activityResource } from '../wire/activity.js';
import { UserDashboard, userDashboardResource } from '../wire/dashboard.js';
import type { RouteFamily } from './types.js';
import { localDate } from '../domain/calendar.js';

export const dashboardRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/dashboard',
    {
      schema: {
        summary: "What the web dashboard draws for a range: totals, each day's projects, the range's breakdowns",
        description: 'A Metronome extension; the numbers equal those of summaries for the same range (range= one of the summaries ranges, or start and end).',
        tags: ['summaries'],
        params: UserParams,
        querystring: Type.Object({
          ...SummaryRangeQuerystring,
          ...FilterQuerystring,
          ...TimeQuerystring,
        }),
        response: { 200: UserDashboard, 202: UserDashboard },
      },
    },
    async (request, reply) => {
      const { target, viewer, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('summaries'), family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, false);
      const now = services.stats.now();
      const { first, last, name: rangeName } = requireSummaryRange(q, settings.zone, now);
      const base = { subjects: [target.user.id], range: { first, last }, zone: settings.zone, settings, filters, viewer, family: 'summaries' as const };
      // each day's projects (the stacked chart), and the range summed in the breakdowns' dimensions
      const [perDay, range] = await Promise.all([
        services.stats.answer({ ...base, dimensions: ['projects'], granularity: 'day' }, [target.user]),
        services.stats.answer({ ...base, dimensions: ['projects', 'languages', 'editors', 'operating_systems', 'categories', 'machines'], granularity: 'range' }, [target.user]),
      ]);
      const body = userDashboardResource({
        dates: datesBetween(first, last),
        rangeName,
        zone: settings.zone,
        days: perDay.days,
        dayTotals: range.dayTotals,
        sum: range.sum,
        machineIds: await services.stats.machineIds(target.user.id),
        visibility: range.visibility,
        upToDate: perDay.upToDate && range.upToDate,
        percent: Math.min(perDay.percent, range.percent),
      });
      return reply.code(body.data.is_up_to_date ? 200 : 202).send(body);
    },
  );

  app.get(
    '/api/v1/users/:user/activity',
    {
      schema: {
        summary: 'Coding time per day over a range (the activity calendar), streaks and the best day',
        description: 'A Metronome extension. Default range: the last 365 days up to today, in the user\'s zone. Public when the user\'s coding time is (timeout 15 then).',
        tags: ['summaries'],
        params: UserParams,
        querystring: Type.Object({
          start: Type.Optional(Type.String({ maxLength: 64, description: 'first day (default: 364 days before end)' })),
          end: Type.Optional(Type.String({ maxLength: 64, description: 'last day (default: today)' })),
          ...TimeQuerystring,
        }),
        response: { 200: Activity, 202: Activity },
      },
    },
    async (request, reply) => {
      const { target, viewer, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('summaries'), allowPublic: (u) => !!u.logged_time_public, family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, !target.isOwner);
      const now = services.stats.now();
      const today = localDate(settings.zone, now);
      const last = q.end ? requireDate(q.end, settings.zone, 'end', now) : today;
      const first = q.start ? requireDate(q.start, settings.zone, 'start', now) : DateTime.fromISO(last, { zone: 'UTC' }).minus({ days: 364 }).toISODate()!;
      if (last < first) throw new HttpError(400, 'Must not be before start.', 'end');
      if (daysBetweenInclusive(first, last) > MAX_SUMMARY_DAYS) throw new HttpError(400, `At most ${MAX_SUMMARY_DAYS} days per request.`, 'start');
      const answer = await services.stats.answer(
        { subjects: [target.user.id], range: { first, last }, zone: settings.zone, settings, filters, dimensions: [], granularity: 'range', viewer, family: 'summaries' },
        [target.user],
      );
      const body = activityResource({ dates: datesBetween(first, last), dayTotals: answer.dayTotals, zone: settings.zone, upToDate: answer.upToDate, percent: answer.percent });
      return reply.code(answer.upToDate ? 200 : 202).send(body);
    },
  );
};
