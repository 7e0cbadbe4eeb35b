/** GET /users/:user/insights/:insight_type/:range. */
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { isoUtc } from '../domain/calendar.js';
import { datesBetween, OTHER_LANGUAGE, type Dimension } from '../domain/duration.js';
import { humanText, round2 } from '../domain/format.js';
import { rangeBounds, statsRange, STATS_RANGES } from '../domain/ranges.js';
import { items, type Visibility } from '../domain/summary.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import { hasPublicStats, machineIdsOf, readScopes, requestSettings, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { allTimeFirst } from './stats.js';
import type { RouteFamily } from './types.js';

export const INSIGHT_TYPES = ['weekday', 'days', 'best_day', 'daily_average', 'projects', 'languages', 'editors', 'categories', 'machines', 'operating_systems'] as const;
type InsightType = (typeof INSIGHT_TYPES)[number];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Which visibility flag an insight needs. */
function allowed(type: InsightType, v: Visibility): boolean {
  switch (type) {
    case 'projects':
    case 'languages':
    case 'editors':
    case 'categories':
    case 'machines':
    case 'operating_systems':
      return v[type];
    case 'best_day':
      return v.best_day;
    default:
      return v.time;
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
        querystring: Type.Object({ ...TimeQuerystring, weekday: Type.Optional(Type.String({ maxLength: 16, description: '0-6 (Monday is 0) or monday-sunday; days insight only' })) }),
      },
    },
    async (request, reply) => {
      const type = request.params.insight_type as InsightType;
      if (!INSIGHT_TYPES.includes(type)) throw new HttpError(400, `Must be one of ${INSIGHT_TYPES.join(', ')}.`, 'insight_type');
      const { target, visibility } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: hasPublicStats, family: 'stats' });
      const user = target.user;
      if (!allowed(type, visibility)) {
        if (!target.auth) throw new HttpError(401, `Authentication required: this user's public profile does not include ${type}.`);
        throw new HttpError(403, `Forbidden: this ${target.isOwner ? 'grant' : "user's profile"} does not include ${type}.`);
      }
      const settings = requestSettings(user, request.query, !target.isOwner);
      const now = Date.now() / 1000;
      const range = statsRange(request.params.range, settings.zone, now, await allTimeFirst(ctx, user, settings.zone));
      if (!range) throw new HttpError(400, `Unknown range: use ${STATS_RANGES.join(', ')}, YYYY or YYYY-MM.`, 'range');
      let weekdayFilter: number | null = null;
      const wq = request.query.weekday?.trim().toLowerCase();
      if (wq) {
        weekdayFilter = /^[0-6]$/.test(wq) ? Number(wq) : WEEKDAYS.indexOf(wq);
        if (weekdayFilter < 0) throw new HttpError(400, 'Must be 0-6 or monday-sunday.', 'weekday');
      }

      const dates = datesBetween(range.first, range.last);
      const answer = await services.time.rangeSums({ user, settings, first: range.first, last: range.last });
      const { sum, dayTotals } = answer.value;
      const total = sum.total;
      let value: unknown;
      switch (type) {
        case 'weekday': {
          const byDay = WEEKDAYS.map(() => ({ seconds: 0, days: 0 }));
          for (const d of dates) {
            const w = DateTime.fromISO(d).weekday - 1;
            byDay[w]!.seconds += dayTotals.get(d) ?? 0;
            byDay[w]!.days += 1;
          }
          value = byDay.map((b, i) => ({
            name: WEEKDAYS[i]!.charAt(0).toUpperCase() + WEEKDAYS[i]!.slice(1),
            total_seconds: round2(b.seconds),
            text: humanText(b.seconds),
            days: b.days,
            average: round2(b.days ? b.seconds / b.days : 0),
            human_readable_average: humanText(b.days ? b.seconds / b.days : 0),
          }));
          break;
        }
        case 'days':
          value = dates
            .filter((d) => weekdayFilter === null || DateTime.fromISO(d).weekday - 1 === weekdayFilter)
            .map((d) => ({ date: d, total: round2(dayTotals.get(d) ?? 0), text: humanText(dayTotals.get(d) ?? 0) }));
          break;
        case 'best_day': {
          let best: string | null = null;
          for (const d of dates) if ((dayTotals.get(d) ?? 0) > 0 && (!best || dayTotals.get(d)! > dayTotals.get(best)!)) best = d;
          value = best ? { date: best, total_seconds: round2(dayTotals.get(best)!), text: humanText(dayTotals.get(best)!) } : null;
          break;
        }
        case 'daily_average': {
          const active = dates.filter((d) => (dayTotals.get(d) ?? 0) > 0).length;
          const other = sum.dims.languages.get(OTHER_LANGUAGE) ?? 0;
          value = {
            daily_average: round2(active ? (total - other) / active : 0),
            human_readable_daily_average: humanText(active ? (total - other) / active : 0),
            daily_average_including_other_language: round2(active ? total / active : 0),
            human_readable_daily_average_including_other_language: humanText(active ? total / active : 0),
            days_including_holidays: dates.length,
            days_minus_holidays: active,
            holidays: dates.length - active,
          };
          break;
        }
        default:
          value = items(sum.dims[type as Dimension], total, type === 'machines' ? await machineIdsOf(storage, user.id) : undefined);
      }
      const bounds = rangeBounds(range.first, range.last, settings.zone);
      const stamp = new Date(now * 1000).toISOString();
      return reply.code(answer.upToDate ? 200 : 202).send({
        data: {
          [type]: value,
          range: range.range,
          human_readable_range: range.human,
          status: answer.upToDate ? 'ok' : 'pending_update',
          is_including_today: range.isIncludingToday,
          is_up_to_date: answer.upToDate,
          percent_calculated: answer.percent,
          start: isoUtc(bounds.start),
          end: isoUtc(bounds.end - 1),
          timezone: settings.zone,
          timeout: settings.timeoutSeconds / 60,
          writes_only: settings.writesOnly,
          user_id: user.uuid,
          created_at: stamp,
          modified_at: stamp,
        },
      });
    },
  );
};
