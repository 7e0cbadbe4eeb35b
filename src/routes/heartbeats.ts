/**
 * Heartbeats: POST one, POST .bulk, GET a day's, DELETE .bulk.
 * wakatime-cli's contract (../shared/spec/README.md): success only as 201/202; one entry per
 * heartbeat in order in bulk answers, so one bad heartbeat never sinks the batch; retries are
 * idempotent (the canonical hash under a unique key).
 */
import { epochSeconds } from '../domain/clock.js';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  acceptedHeartbeatData,
  cleanHeaderValue,
  heartbeatHash,
  normalizeHeartbeat,
  parseHeartbeatId,
  type FieldErrors,
  type HeartbeatContext,
  type NormalizeResult,
} from '../domain/heartbeat.js';
import { dayRange, isoUtc, isValidTimezone, parseDateParam } from '../domain/calendar.js';
import { effectiveTimezone, type User } from '../domain/user.js';
import { parseUserAgentOnce } from '../domain/user-agent.js';
import { resolveTargetUser } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { DateParam, ErrorBody, requireTimezone, UserParams } from '../http/schemas.js';
import { BulkHeartbeatAnswer, HeartbeatAccepted, HeartbeatDay, HeartbeatRefused, toHeartbeatResource } from '../wire/heartbeat.js';
import type { RouteFamily } from './types.js';
import type { IngestItem } from '../services/ingest.js';
import { laterTurn } from '../services/turns.js';

function header(request: FastifyRequest, name: string): string | null {
  const v = request.headers[name];
  return cleanHeaderValue(Array.isArray(v) ? v[0] : v);
}

function contextOf(request: FastifyRequest, now: number): HeartbeatContext {
  return {
    userAgent: header(request, 'user-agent'),
    machine: header(request, 'x-machine-name'),
    // one memo for the whole process: ingest reads the same parse
    parseUserAgent: parseUserAgentOnce,
    now,
  };
}

/** The Timezone header sets the user's zone only if they never chose one. */
function timezoneToSet(request: FastifyRequest, user: Pick<User, 'timezone'>): string | null {
  if (user.timezone) return null;
  const tz = header(request, 'timezone');
  return tz && isValidTimezone(tz) ? tz : null;
}

function itemError(r: Exclude<NormalizeResult, { ok: true }>): { error: string } | { errors: FieldErrors } {
  return 'errors' in r ? { errors: r.errors } : { error: r.error };
}

const OneHeartbeatBody = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown())], {
  description: 'A heartbeat (see the reference); unknown fields are stored. An array is taken as heartbeats.bulk (as Wakapi and Hackatime do).',
});
const BulkBody = Type.Union([Type.Array(Type.Unknown()), Type.Object({}, { additionalProperties: true })], {
  description: 'An array of heartbeats (a single object is accepted too).',
});

export const heartbeatRoutes: RouteFamily = async (app, { storage, services, config }) => {
  const writeScope = 'write_heartbeats';

  /** heartbeats.bulk: one entry per heartbeat, in order; a bad one gets its own 400. */
  const bulk = async (request: FastifyRequest, reply: FastifyReply, handle: string) => {
    const { user } = await resolveTargetUser(storage, request, handle, { scope: writeScope });
    // reads first: batches are validated one per event-loop turn, and requests already read from
    // their sockets run in between (an editor's status bar waits on its answer; a heartbeat's sender does not)
    await laterTurn();
    const body = Array.isArray(request.body) ? (request.body as unknown[]) : [request.body];
    if (body.length > config.maxBulkHeartbeats) {
      throw new HttpError(400, `Too many heartbeats: at most ${config.maxBulkHeartbeats} per request, got ${body.length}.`, 'body');
    }
    const ctx = contextOf(request, epochSeconds(services.clock));
    const responses: [Record<string, unknown>, number][] = [];
    const items: IngestItem[] = [];
    const responseOf: number[] = [];
    for (const raw of body) {
      const r = normalizeHeartbeat(raw, ctx);
      if (!r.ok) {
        responses.push([itemError(r), 400]);
        continue;
      }
      const hash = heartbeatHash(user.id, r.heartbeat);
      items.push({ heartbeat: r.heartbeat, hash });
      responseOf.push(responses.length);
      responses.push([{ data: acceptedHeartbeatData(hash, r.heartbeat) }, 201]);
    }
    const failures = await services.heartbeats.submit({ userId: user.id, items, ip: request.ip, timezone: timezoneToSet(request, user) });
    // A heartbeat the database would not take on its own gets its own entry; the rest are stored.
    for (const f of failures) responses[responseOf[f.index]!] = [{ error: f.error }, f.status];
    return reply.code(201).send({ responses });
  };

  app.post(
    '/api/v1/users/:user/heartbeats',
    {
      schema: {
        summary: 'Create a heartbeat',
        tags: ['heartbeats'],
        params: UserParams,
        body: OneHeartbeatBody,
        // an array is taken as heartbeats.bulk and answered as such (201)
        response: { 201: BulkHeartbeatAnswer, 202: HeartbeatAccepted, '4xx': HeartbeatRefused },
      },
    },
    async (request, reply) => {
      // An array here is a bulk request (the legacy CLI posts arrays to whatever api_url it has)
      if (Array.isArray(request.body)) return bulk(request, reply, request.params.user);
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: writeScope });
      const r = normalizeHeartbeat(request.body, contextOf(request, epochSeconds(services.clock)));
      if (!r.ok) return reply.code(400).send(itemError(r));
      const hash = heartbeatHash(user.id, r.heartbeat);
      const [failed] = await services.heartbeats.submit({ userId: user.id, items: [{ heartbeat: r.heartbeat, hash }], ip: request.ip, timezone: timezoneToSet(request, user) });
      if (failed) return reply.code(failed.status).send({ error: failed.error });
      return reply.code(202).send({ data: acceptedHeartbeatData(hash, r.heartbeat) });
    },
  );

  app.post(
    '/api/v1/users/:user/heartbeats.bulk',
    { schema: { summary: 'Create heartbeats in bulk', tags: ['heartbeats'], params: UserParams, body: BulkBody, response: { 201: BulkHeartbeatAnswer, '4xx': HeartbeatRefused } } },
    async (request, reply) => bulk(request, reply, request.params.user),
  );

  // The legacy Python CLI POSTs to its api_url itself; users copy the base URL (`…/api/v1`) into it.
  // (The router ignores trailing slashes: this serves `/api/v1/` too.)
  app.post(
    '/api/v1',
    {
      schema: {
        summary: "Create heartbeats in bulk for the key's owner (the legacy CLI with api_url = …/api/v1)",
        tags: ['heartbeats'],
        body: BulkBody,
        response: { 201: BulkHeartbeatAnswer, '4xx': HeartbeatRefused },
      },
    },
    async (request, reply) => bulk(request, reply, 'current'),
  );

  app.get(
    '/api/v1/users/:user/heartbeats',
    {
      schema: {
        summary: "A day's heartbeats",
        tags: ['heartbeats'],
        params: UserParams,
        querystring: Type.Object({ date: DateParam, timezone: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: HeartbeatDay, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: 'read_heartbeats' });
      const zone = requireTimezone(request.query.timezone ?? effectiveTimezone(user));
      const date = parseDateParam(request.query.date, zone, epochSeconds(services.clock));
      if (!date) throw new HttpError(400, 'Must be a date as YYYY-MM-DD, an ISO 8601 datetime, today or yesterday.', 'date');
      const { rows, start, end } = await services.heartbeatReader.day(user.id, date, zone);
      return { data: rows.map((h) => toHeartbeatResource(h, user.uuid)), start: isoUtc(start), end: isoUtc(end - 1), timezone: zone };
    },
  );

  app.delete(
    '/api/v1/users/:user/heartbeats.bulk',
    {
      schema: {
        summary: 'Delete heartbeats of one day by id',
        tags: ['heartbeats'],
        params: UserParams,
        body: Type.Object({ date: DateParam, ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10000 }) }),
        response: { 200: Type.Object({ data: Type.Object({}, { additionalProperties: false }) }), '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: writeScope });
      const zone = effectiveTimezone(user);
      const date = parseDateParam(request.body.date, zone, epochSeconds(services.clock));
      if (!date) throw new HttpError(400, 'Must be a date as YYYY-MM-DD.', 'date');
      const hashes: number[] = [];
      for (const id of request.body.ids) {
        const h = parseHeartbeatId(id);
        if (h === null) throw new HttpError(400, `"${id}" is not a heartbeat id.`, 'ids');
        hashes.push(h);
      }
      const { start, end } = dayRange(date, zone);
      await services.heartbeats.delete(user.id, start, end, hashes);
      return { data: {} };
    },
  );
};
