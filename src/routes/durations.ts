/** GET /users/:user/durations: a day's heartbeats joined into durations, sliced by a key. */
import { Type } from '@sinclair/typebox';
import { SLICE_BY, type SliceBy } from '../domain/duration.js';
import { HttpError } from '../http/errors.js';
import { DateParam, UserParams } from '../http/schemas.js';
import { FilterQuerystring, requestSettings, requireDate, resolveTimeTarget, TimeQuerystring } from '../http/time-params.js';
import { Durations, durationsResource } from '../wire/duration.js';
import type { RouteFamily } from './types.js';

export const durationRoutes: RouteFamily = async (app, { storage, services }) => {
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
        response: { 200: Durations },
      },
    },
    async (request) => {
      const { target, visibility, filters } = await resolveTimeTarget(storage, request, { scope: 'read_heartbeats', family: 'summaries' });
      const q = request.query;
      const settings = requestSettings(target.user, q, false);
      const date = requireDate(q.date, settings.zone, 'date', services.stats.now());
      const sliceBy = (q.slice_by && q.slice_by !== '' ? q.slice_by : 'entity') as SliceBy;
      if (!SLICE_BY.includes(sliceBy)) throw new HttpError(400, `Must be one of ${SLICE_BY.join(', ')}.`, 'slice_by');
      const { list, start, end } = await services.stats.durations(target.user, { date, zone: settings.zone, settings, filters, sliceBy, visibility });
      return durationsResource({ list, sliceBy, start, end, zone: settings.zone });
    },
  );
};
