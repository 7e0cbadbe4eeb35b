/** GET /users/:user/insights/:insight_type/:range. */
import { Type } from '@sinclair/typebox';
import type { Aspect } from '../domain/access.js';
import { datesBetween, type Dimension } from '../domain/duration.js';
import { statsRange, STATS_RANGES } from '../domain/ranges.js';
import { rangeNumbers, WEEKDAYS } from '../domain/summary.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import { FilterQuerystring, hasPublicStats, readScopes, requestSettings, requireAspect, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { Insight, INSIGHT_TYPES, insightResource, type InsightType } from '../wire/insight.js';
import type { RouteFamily } from './types.js';

export { INSIGHT_TYPES };

/** The aspect of a user's time an insight shows (the access policy decides who sees it). */
function aspectOf(type: InsightType): Aspect {
  switch (type) {
    case 'weekday':
    case 'days':
    case 'daily_average':
      return 'time';
    default:
      return type;
  }
}

export const insightRoutes: RouteFamily = async (app, ctx) => {
  const { storage, services } = ctx;
  app.get(
    '/api/v1/users/:user/insights/:insight_type/:range',
    {
      schema: {
        summary: 'An insight about coding activity over a range',
        tags: ['insights'],
        params: Type.Object({
          user: UserParams.properties.user,
          insight_type: Type.String({ maxLength: 32, description: INSIGHT_TYPES.join(', ') }),
          range: Type.String({ maxLength: 32, description: `${STATS_RANGES.join(', ')}, YYYY or YYYY-MM` }),
        }),
        querystring: Type.Object({
          ...TimeQuerystring,
          ...FilterQuerystring,
          weekday: Type.Optional(Type.String({ maxLength: 16, description: '0-6 (Monday is 0) or monday-sunday; days insight only' })),
        }),
        response: { 200: Insight, 202: Insight },
      },
    },
    async (request, reply) => {
      const type = request.params.insight_type as InsightType;
      if (!INSIGHT_TYPES.includes(type)) throw new HttpError(400, `Must be one of ${INSIGHT_TYPES.join(', ')}.`, 'insight_type');
      const { target, viewer, visibility, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: hasPublicStats, family: 'stats' });
      const user = target.user;
      requireAspect(target, visibility, aspectOf(type), type);
      const settings = requestSettings(user, request.query, !target.isOwner);
      const now = services.stats.now();
      const range = statsRange(request.params.range, settings.zone, now, await services.stats.firstDay(user, settings.zone));
      if (!range) throw new HttpError(400, `Unknown range: use ${STATS_RANGES.join(', ')}, YYYY or YYYY-MM.`, 'range');
      let weekday: number | null = null;
      const wq = request.query.weekday?.trim().toLowerCase();
      if (wq) {
        weekday = /^[0-6]$/.test(wq) ? Number(wq) : (WEEKDAYS as readonly string[]).indexOf(wq);
        if (weekday < 0) throw new HttpError(400, 'Must be 0-6 or monday-sunday.', 'weekday');
      }

      const aspect = aspectOf(type);
      // daily_average needs the languages (time in "Other" is left out of it)
      const dimensions: Dimension[] = aspect === 'time' || aspect === 'best_day' ? (type === 'daily_average' ? ['languages'] : []) : [aspect];
      const answer = await services.stats.answer({ subjects: [user.id], range, zone: settings.zone, settings, filters, dimensions, granularity: 'range', viewer, family: 'stats' }, [user]);
      const dates = datesBetween(range.first, range.last);
      const body = insightResource({
        type,
        dates,
        dayTotals: answer.dayTotals,
        sum: answer.sum,
        numbers: rangeNumbers(dates, (d) => answer.dayTotals.get(d) ?? 0, answer.sum),
        weekday,
        machineIds: type === 'machines' ? await services.stats.machineIds(user.id) : undefined,
        envelope: { range, zone: settings.zone, timeoutSeconds: settings.timeoutSeconds, writesOnly: settings.writesOnly, upToDate: answer.upToDate, percent: answer.percent, userId: user.uuid, now },
      });
      return reply.code(answer.upToDate ? 200 : 202).send(body);
    },
  );
};
