/**
 * GET /users/:user/stats and /stats/:range, GET /users/:user/all_time_since_today.
 * Public profiles: anyone (README cards call these anonymously) sees what the user's flags allow,
 * computed with timeout 15.
 */
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { EARLIEST_DATE, isoUtc } from '../domain/calendar.js';
import { datesBetween } from '../domain/duration.js';
import { decimal, digital, humanText, round2 } from '../domain/format.js';
import { dayText, daysBetweenInclusive, rangeBounds, statsRange, STATS_RANGES, type StatsRange } from '../domain/ranges.js';
import { statsNumbers } from '../domain/summary.js';
import { resolveTargetUser } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { UserParams } from '../http/schemas.js';
import { hasPublicStats, machineIdsOf, readScopes, requestSettings, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import type { AppContext } from '../app.js';
import { activitySpan } from '../storage/heartbeats.js';
import type { UserRow } from '../storage/users.js';
import type { RouteFamily } from './types.js';

/** The first local date of a user's history: the earlier of account creation and first heartbeat. */
export async function allTimeFirst(ctx: AppContext, user: UserRow, zone: string): Promise<string> {
  const span = await activitySpan(ctx.storage.db, user.id);
  const first = Math.min(user.created_at, span?.first ?? Infinity);
  const date = Number.isFinite(first) ? DateTime.fromSeconds(first, { zone }).toISODate() : null;
  // a bounded range whatever the rows hold: never before EARLIEST_DATE
  return date && date > EARLIEST_DATE ? date : EARLIEST_DATE;
}

export const statsRoutes: RouteFamily = async (app, ctx) => {
  const { storage, services } = ctx;

  const handler = async (request: { params: { user: string; range?: string }; query: { timeout?: string; writes_only?: string; timezone?: string } } & Parameters<typeof resolveTargetUser>[1]) => {
    const { target, visibility } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: hasPublicStats, family: 'stats' });
    const user = target.user;
    const settings = requestSettings(user, request.query, !target.isOwner);
    const now = Date.now() / 1000;
    // a stored profile_range that no longer names a range reads as the default one
    const stored = user.profile_range && (STATS_RANGES as readonly string[]).includes(user.profile_range) ? user.profile_range : 'last_7_days';
    const name = request.params.range ?? stored;
    const range: StatsRange | null = statsRange(name, settings.zone, now, await allTimeFirst(ctx, user, settings.zone));
    if (!range) throw new HttpError(400, `Unknown range "${name}": use ${STATS_RANGES.join(', ')}, YYYY or YYYY-MM.`, 'range');
    const answer = await services.time.rangeSums({ user, settings, first: range.first, last: range.last });
    const dates = datesBetween(range.first, range.last);
    const numbers = statsNumbers({
      sum: answer.value.sum,
      dayTotals: answer.value.dayTotals,
      dates,
      zone: settings.zone,
      machineIds: await machineIdsOf(storage, user.id),
      visibility,
    });
    const bounds = rangeBounds(range.first, range.last, settings.zone);
    const publicFlags = { is_coding_activity_visible: !!user.logged_time_public, is_other_usage_visible: !!(user.languages_used_public || user.editors_used_public || user.os_used_public) };
    const body = {
      data: {
        ...numbers,
        range: range.range,
        human_readable_range: range.human,
        status: answer.upToDate ? 'ok' : 'pending_update',
        percent_calculated: answer.percent,
        is_already_updating: !answer.upToDate,
        ...publicFlags,
        is_stuck: false,
        is_including_today: range.isIncludingToday,
        is_up_to_date: answer.upToDate,
        is_up_to_date_pending_future: false,
        start: isoUtc(bounds.start),
        end: isoUtc(bounds.end - 1),
        timezone: settings.zone,
        timeout: settings.timeoutSeconds / 60,
        writes_only: settings.writesOnly,
        user_id: user.uuid,
        username: user.username,
        created_at: new Date(now * 1000).toISOString(),
        modified_at: new Date(now * 1000).toISOString(),
      },
    };
    return { status: answer.upToDate ? 200 : 202, body };
  };

  app.get(
    '/api/v1/users/:user/stats',
    { schema: { summary: "A user's stats over their profile's range", tags: ['stats'], params: UserParams, querystring: Type.Object({ ...TimeQuerystring }) } },
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
        querystring: Type.Object({ ...TimeQuerystring }),
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
        summary: 'Total time since the account was created (optionally for one project)',
        tags: ['stats'],
        params: UserParams,
        querystring: Type.Object({ project: Type.Optional(Type.String({ maxLength: 1024 })) }),
      },
    },
    async (request, reply) => {
      const { target } = await resolveTimeTarget(storage, request, { scope: readScopes('stats'), allowPublic: (u) => !!u.logged_time_public, family: 'stats' });
      const user = target.user;
      const settings = requestSettings(user, {}, !target.isOwner);
      const now = Date.now() / 1000;
      const first = await allTimeFirst(ctx, user, settings.zone);
      const today = DateTime.fromSeconds(now, { zone: settings.zone }).toISODate()!;
      const project = request.query.project && request.query.project !== '' ? request.query.project : undefined;
      // a project's time is its share of the full stream: the rollups' projects dimension
      const answer = await services.time.rangeSums({ user, settings, first, last: today });
      const total = project ? answer.value.sum.dims.projects.get(project) ?? 0 : answer.value.sum.total;
      const days = daysBetweenInclusive(first, today);
      const bounds = rangeBounds(first, today, settings.zone);
      return reply.code(answer.upToDate ? 200 : 202).send({
        data: {
          total_seconds: round2(total),
          text: humanText(total),
          decimal: decimal(total),
          digital: digital(total),
          daily_average: round2(days > 0 ? total / days : 0),
          is_up_to_date: answer.upToDate,
          percent_calculated: answer.percent,
          range: {
            start: isoUtc(bounds.start),
            start_date: first,
            start_text: dayText(first, settings.zone, now),
            end: isoUtc(bounds.end - 1),
            end_date: today,
            end_text: dayText(today, settings.zone, now),
            timezone: settings.zone,
          },
          timeout: settings.timeoutSeconds / 60,
        },
      });
    },
  );
};
