/** GET /users/:user/summaries: per-day summaries of a date range, and the status bar (today). */
import { Type } from '@sinclair/typebox';
import { localDate } from '../domain/calendar.js';
import { ROLLUP_DIMENSIONS } from '../domain/duration.js';
import { dayText } from '../domain/ranges.js';
import { UserParams } from '../http/schemas.js';
import { FilterQuerystring, readScopes, requestSettings, requireSummaryRange, resolveTimeTarget, SummaryRangeQuerystring, TimeQuerystring } from '../http/time-params.js';
import { StatusBar, statusBarResource, Summaries, summaryDayResource } from '../wire/summary.js';
import type { RouteFamily } from './types.js';

export const summaryRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get(
    '/api/v1/users/:user/summaries',
    {
      schema: {
        summary: "A user's coding activity per day over a range",
        tags: ['summaries'],
        params: UserParams,
        querystring: Type.Object({
          ...SummaryRangeQuerystring,
          ...FilterQuerystring,
          ...TimeQuerystring,
        }),
        response: { 200: Summaries, 202: Summaries },
      },
    },
    async (request, reply) => {
      const { target, viewer, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('summaries'), family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, false);
      const now = services.stats.now();
      const { first, last } = requireSummaryRange(q, settings.zone, now);
      const { json, upToDate } = await services.summaries.summaries({ user: target.user, viewer, filters, settings, first, last, now });
      // JSON of the Summaries resource, as one Buffer: the schema's serializer took twice as long on
      // a year of one project's days with their files (2.7 MB), and a string body is measured again
      return reply
        .code(upToDate ? 200 : 202)
        .type('application/json; charset=utf-8')
        .send(Buffer.from(json) as unknown as Summaries);
    },
  );

  for (const path of ['/api/v1/users/:user/status_bar/today', '/api/v1/users/:user/statusbar/today']) {
    app.get(
      path,
      {
        schema: {
          summary: "Today's coding activity for editor status bars (wakatime-cli --today)",
          tags: ['summaries'],
          params: UserParams,
          querystring: Type.Object({ ...FilterQuerystring }),
          response: { 200: StatusBar },
        },
      },
      async (request, reply) => {
        const { target, viewer, visibility, filters } = await resolveTimeTarget(storage, request, { scope: readScopes('summaries'), family: 'summaries' });
        const settings = requestSettings(target.user, {}, false);
        const now = services.stats.now();
        const today = localDate(settings.zone, now);
        const key = `${today}|${settings.zone}|${settings.timeoutSeconds}|${settings.writesOnly}|${JSON.stringify(visibility)}|${JSON.stringify(filters)}`;
        // concurrent misses share one computation; never cached across a change of the heartbeats
        const body = await services.statusBar.getOrCompute(target.user.id, key, async () => {
          const answer = await services.stats.answer(
            { subjects: [target.user.id], range: { first: today, last: today }, zone: settings.zone, settings, filters, dimensions: ROLLUP_DIMENSIONS, granularity: 'day', viewer, family: 'summaries' },
            [target.user],
          );
          const machineIds = await services.stats.machineIds(target.user.id);
          const day = summaryDayResource({ date: today, day: answer.days.get(today), zone: settings.zone, dayText: dayText(today, settings.zone, now), machineIds, withProjectDetail: false, visibility: answer.visibility });
          return JSON.stringify(statusBarResource(day, now));
        }, now);
        // the cached body is already JSON of the StatusBar resource: Fastify sends strings as they are
        return reply.type('application/json; charset=utf-8').send(body as unknown as StatusBar);
      },
    );
  }
};
