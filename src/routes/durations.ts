/** GET /users/:user/durations: a day's heartbeats joined into durations, sliced by a key. */
import { Type } from '@sinclair/typebox';
import { dayRange, isoUtc } from '../domain/calendar.js';
import { durations, SLICE_BY, type Duration, type SliceBy } from '../domain/duration.js';
import { HttpError } from '../http/errors.js';
import { DateParam, UserParams } from '../http/schemas.js';
import { FilterQuerystring, heartbeatFilter, requestSettings, requireDate, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { loadActivity } from '../storage/heartbeats.js';
import type { RouteFamily } from './types.js';

function sliceField(d: Duration, by: SliceBy): [string, unknown] {
  const h = d.first;
  switch (by) {
    case 'entity':
      return ['entity', h.entity];
    case 'language':
      return ['language', h.language];
    case 'dependencies':
      return ['dependencies', h.dependencies];
    case 'os':
      return ['os', h.operating_system];
    case 'editor':
      return ['editor', h.editor];
    case 'category':
      return ['category', h.category];
    case 'machine':
      return ['machine', h.machine];
  }
}

export const durationRoutes: RouteFamily = async (app, { storage }) => {
  app.get(
    '/api/v1/users/:user/durations',
    {
      schema: {
        summary: "A day's coding activity as durations",
        tags: ['durations'],
        params: UserParams,
        querystring: Type.Object({
          date: DateParam,
          slice_by: Type.Optional(Type.String({ maxLength: 32, description: SLICE_BY.join(', ') })),
          ...FilterQuerystring,
          ...TimeQuerystring,
        }),
      },
    },
    async (request) => {
      const { target } = await resolveTimeTarget(storage, request, { scope: 'read_heartbeats', family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, false);
      const date = requireDate(q.date, settings.zone, 'date');
      const by = (q.slice_by && q.slice_by !== '' ? q.slice_by : 'entity') as SliceBy;
      if (!SLICE_BY.includes(by)) throw new HttpError(400, `Must be one of ${SLICE_BY.join(', ')}.`, 'slice_by');
      const { start, end } = dayRange(date, settings.zone);
      const t = settings.timeoutSeconds;
      const heartbeats = await loadActivity(storage.db, target.user.id, start - t, end + t, { writesOnly: settings.writesOnly });
      const list = durations(heartbeats, { timeoutSeconds: t, sliceBy: by, start, end, include: heartbeatFilter(q) });
      return {
        data: list.map((d) => {
          const [key, value] = sliceField(d, by);
          return { [key]: value, time: d.time, duration: Math.round(d.duration * 1000) / 1000, project: d.project, branch: d.first.branch, category: d.first.category, language: d.first.language };
        }),
        start: isoUtc(start),
        end: isoUtc(end - 1),
        timezone: settings.zone,
      };
    },
  );
};
