/**
 * GET /users/:user/stats and /stats/:range, GET /users/:user/all_time_since_today.
 * Public profiles: anyone (README cards call these anonymously) sees what the user's flags allow,
 * computed with timeout 15.
 */
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { isoUtc, localDate } from '../domain/calendar.js';
import { datesBetween, ROLLUP_DIMENSIONS } from '../domain/duration.js';
import { dayText, daysBetweenInclusive, rangeBounds, statsRange, STATS_RANGES, type StatsRange } from '../domain/ranges.js';
import { rangeNumbers } from '../domain/summary.js';
import { HttpError } from '../http/errors.js';
import type { FastifyRequest } from 'fastify';
import { UserParams } from '../http/schemas.js';
import { FilterQuerystring, hasPublicStats, readScopes, requestSettings, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { AllTimeSinceToday, allTimeSinceTodayResource, Stats, statsResource } from '../wire/stats.js';
import type { RouteFamily } from './types.js';

export const statsRoutes: RouteFamily = async (app, ctx) => {
  const { storage, services } = ctx;

  const handler = async (request: FastifyRequest & { params: { user: string; range?: string }; query: { timeout?: string; writes_only?: string; timezone?: string } }) => {
    const { target, viewer, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: hasPublicStats, family: 'stats' });
    const user = target.user;
    const settings = requestSettings(user, request.query, !target.isOwner);
    const now = services.stats.now();
    // a stored profile_range that no longer names a range reads as the default one
    const stored = user.profile_range && (STATS_RANGES as readonly string[]).includes(user.profile_range) ? user.profile_range : 'last_7_days';
    const name = request.params.range ?? stored;
    const range: StatsRange | null = statsRange(name, settings.zone, now, await services.stats.firstDay(user, settings.zone));
    if (!range) throw new HttpError(400, `Unknown range "${name}": use ${STATS_RANGES.join(', ')}, YYYY or YYYY-MM.`, 'range');
    // independent reads: on PostgreSQL they run at once
    const [answer, machineIds] = await Promise.all([
      services.stats.answer(
        { subjects: [user.id], range, zone: settings.zone, settings, filters, dimensions: ROLLUP_DIMENSIONS, granularity: 'range', viewer, family: 'stats' },
        [user],
      ),
      services.stats.machineIds(user.id),
    ]);
    const dates = datesBetween(range.first, range.last);
    const body = statsResource({
      numbers: rangeNumbers(dates, (d) => answer.dayTotals.get(d) ?? 0, answer.sum),
      sum: answer.sum,
      machineIds,
      visibility: answer.visibility,
      envelope: { range, zone: settings.zone, timeoutSeconds: settings.timeoutSeconds, writesOnly: settings.writesOnly, upToDate: answer.upToDate, percent: answer.percent, userId: user.uuid, now },
      user,
    });
    return { status: answer.upToDate ? (200 as const) : (202 as const), body };
  };

  const querystring = Type.Object({ ...TimeQuerystring, ...FilterQuerystring });
  app.get(
    '/api/v1/users/:user/stats',
    { schema: { summary: "A user's stats over their profile's range", tags: ['stats'], params: UserParams, querystring, response: { 200: Stats, 202: Stats } } },
    async (request, reply) => {
      const { status, body } = await handler(request);
      return reply.code(status).send(body);
    },
  );
  app.get(
    '/api/v1/users/:user/stats/:range',
    {
      schema: {
        summary: "A user's stats over a range",
        tags: ['stats'],
        params: Type.Object({ user: UserParams.properties.user, range: Type.String({ maxLength: 32, description: `${STATS_RANGES.join(', ')}, YYYY or YYYY-MM` }) }),
        querystring,
        response: { 200: Stats, 202: Stats },
      },
    },
    async (request, reply) => {
      const { status, body } = await handler(request);
      return reply.code(status).send(body);
    },
  );

  app.get(
    '/api/v1/users/:user/all_time_since_today',
    {
      schema: {
        summary: 'Total time since the account was created (optionally filtered, e.g. one project)',
        tags: ['stats'],
        params: UserParams,
        querystring: Type.Object({ ...FilterQuerystring }),
        response: { 200: AllTimeSinceToday, 202: AllTimeSinceToday },
      },
    },
    async (request, reply) => {
      const { target, viewer, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: (u) => !!u.logged_time_public, family: 'stats' });
      const user = target.user;
      const settings = requestSettings(user, {}, !target.isOwner);
      const now = services.stats.now();
      const first = await services.stats.firstDay(user, settings.zone);
      const today = localDate(settings.zone, now);
      // totals only: one project (language …) is its share of the full stream, read from rollups
      const answer = await services.stats.answer(
        { subjects: [user.id], range: { first, last: today }, zone: settings.zone, settings, filters, dimensions: [], granularity: 'total', viewer, family: 'stats' },
        [user],
      );
      const bounds = rangeBounds(first, today, settings.zone);
      const body = allTimeSinceTodayResource({
        total: answer.sum.total,
        days: daysBetweenInclusive(first, today),
        upToDate: answer.upToDate,
        percent: answer.percent,
        range: {
          start: isoUtc(bounds.start),
          start_date: first,
          start_text: dayText(first, settings.zone, now),
          end: isoUtc(bounds.end - 1),
          end_date: today,
          end_text: dayText(today, settings.zone, now),
          timezone: settings.zone,
        },
        timeoutSeconds: settings.timeoutSeconds,
      });
      return reply.code(answer.upToDate ? 200 : 202).send(body);
    },
  );
};
