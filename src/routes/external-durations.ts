/**
 * External durations (issue 12): GET a day's (project / branches filters), POST one, POST .bulk
 * (≤ 1,000, a status per item), DELETE .bulk by ids for a day. They count in durations,
 * summaries, stats and the status bar like heartbeats (domain/duration.ts forEachCredit).
 * Reads need read_heartbeats, writes write_heartbeats (the reference's scopes); API keys and the
 * web session may write too (scripts), naming a `provider` or taking the key's name.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { epochSeconds } from '../domain/clock.js';
import { isoUtc, parseDateParam } from '../domain/calendar.js';
import { MAX_BULK_EXTERNAL_DURATIONS } from '../domain/external-duration.js';
import { effectiveTimezone } from '../domain/user.js';
import { resolveTargetUser, type Auth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { DateParam, ErrorBody, requireTimezone, UserParams } from '../http/schemas.js';
import type { ExternalCredential } from '../services/external-durations.js';
import { ExternalDurationBulkAnswer, ExternalDurationCreated, ExternalDurationDay, toExternalDurationResource } from '../wire/external-duration.js';
import type { RouteFamily } from './types.js';

const ItemBody = Type.Object({}, { additionalProperties: true, description: 'An external duration: external_id, entity, type, category, start_time, end_time, project, branch, language, meta (and, for API keys, provider)' });
const BulkBody = Type.Array(Type.Unknown(), { description: `External durations (at most ${MAX_BULK_EXTERNAL_DURATIONS})` });

function credentialOf(auth: Auth | null | undefined): ExternalCredential {
  return auth ? { via: auth.via, credentialId: auth.credentialId } : { via: 'session' };
}

export const externalDurationRoutes: RouteFamily = async (app, { storage, services }) => {
  const target = (request: FastifyRequest, handle: string, scope: string) => resolveTargetUser(storage, request, handle, { scope });

  app.get(
    '/api/v1/users/:user/external_durations',
    {
      schema: {
        summary: "A day's external durations",
        tags: ['external durations'],
        params: UserParams,
        querystring: Type.Object({
          date: DateParam,
          project: Type.Optional(Type.String({ maxLength: 1024 })),
          branches: Type.Optional(Type.String({ maxLength: 4096, description: 'comma separated branch names' })),
          timezone: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: { 200: ExternalDurationDay, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await target(request, request.params.user, 'read_heartbeats');
      const q = request.query;
      const zone = requireTimezone(q.timezone && q.timezone !== '' ? q.timezone : effectiveTimezone(user));
      const date = parseDateParam(q.date, zone, epochSeconds(services.clock));
      if (!date) throw new HttpError(400, 'Must be a date as YYYY-MM-DD, an ISO 8601 datetime, today or yesterday.', 'date');
      const branches = (q.branches ?? '').split(',').map((b) => b.trim()).filter(Boolean);
      const { rows, start, end } = await services.externalDurations.day(user, date, zone, { project: q.project || null, branches });
      return { data: rows.map(toExternalDurationResource), start: isoUtc(start), end: isoUtc(end - 1), timezone: zone };
    },
  );

  app.post(
    '/api/v1/users/:user/external_durations',
    {
      config: { perItemBody: true },
      schema: {
        summary: 'Create or update (same external_id) an external duration',
        tags: ['external durations'],
        params: UserParams,
        body: ItemBody,
        response: { 201: ExternalDurationCreated, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user, auth } = await target(request, request.params.user, 'write_heartbeats');
      const [result] = await services.externalDurations.upsert(user, credentialOf(auth), [request.body]);
      if (!result!.ok) {
        const [field, messages] = Object.entries(result!.errors)[0]!;
        return reply.code(400).send({ error: `${field}: ${String(messages[0])}`, errors: result!.errors });
      }
      return reply.code(201).send({ data: toExternalDurationResource(result!.row) });
    },
  );

  app.post(
    '/api/v1/users/:user/external_durations.bulk',
    {
      config: { perItemBody: true },
      schema: {
        summary: `Create or update up to ${MAX_BULK_EXTERNAL_DURATIONS} external durations, one status per item`,
        tags: ['external durations'],
        params: UserParams,
        body: BulkBody,
        response: { 201: ExternalDurationBulkAnswer, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user, auth } = await target(request, request.params.user, 'write_heartbeats');
      if (request.body.length > MAX_BULK_EXTERNAL_DURATIONS) {
        throw new HttpError(400, `Too many external durations: at most ${MAX_BULK_EXTERNAL_DURATIONS} per request, got ${request.body.length}.`, 'body');
      }
      const results = await services.externalDurations.upsert(user, credentialOf(auth), request.body);
      const responses = results.map((r) => (r.ok ? [{ data: toExternalDurationResource(r.row) }, 201] : [{ errors: r.errors }, 400]));
      return reply.code(201).send({ responses } as never);
    },
  );

  app.delete(
    '/api/v1/users/:user/external_durations.bulk',
    {
      schema: {
        summary: 'Delete external durations of one day by id',
        tags: ['external durations'],
        params: UserParams,
        body: Type.Object({ date: DateParam, ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10000 }) }),
        response: { 200: Type.Object({ data: Type.Object({}, { additionalProperties: false }) }), '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await target(request, request.params.user, 'write_heartbeats');
      const zone = effectiveTimezone(user);
      const date = parseDateParam(request.body.date, zone, epochSeconds(services.clock));
      if (!date) throw new HttpError(400, 'Must be a date as YYYY-MM-DD.', 'date');
      await services.externalDurations.delete(user, date, zone, request.body.ids);
      return { data: {} };
    },
  );
};

