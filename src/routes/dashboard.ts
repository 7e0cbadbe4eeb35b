/**
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
import { readScopes, requestSettings, requireDate, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { Activity, activityResource } from '../wire/activity.js';
import type { RouteFamily } from './types.js';

/** At most this many days in one request (two years, like summaries). */
const MAX_DAYS = 366 * 2;

export const dashboardRoutes: RouteFamily = async (app, { storage, services }) => {
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
      const today = DateTime.fromSeconds(now, { zone: settings.zone }).toISODate()!;
      const last = q.end ? requireDate(q.end, settings.zone, 'end', now) : today;
      const first = q.start ? requireDate(q.start, settings.zone, 'start', now) : DateTime.fromISO(last, { zone: 'UTC' }).minus({ days: 364 }).toISODate()!;
      if (last < first) throw new HttpError(400, 'Must not be before start.', 'end');
      if (daysBetweenInclusive(first, last) > MAX_DAYS) throw new HttpError(400, `At most ${MAX_DAYS} days per request.`, 'start');
      const answer = await services.stats.answer(
        { subjects: [target.user.id], range: { first, last }, zone: settings.zone, settings, filters, dimensions: [], granularity: 'range', viewer, family: 'summaries' },
        [target.user],
      );
      const body = activityResource({ dates: datesBetween(first, last), dayTotals: answer.dayTotals, zone: settings.zone, upToDate: answer.upToDate, percent: answer.percent });
      return reply.code(answer.upToDate ? 200 : 202).send(body);
    },
  );
};
