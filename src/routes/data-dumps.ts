/**
 * Data dumps (the reference's `data_dumps`, and the `data_dump` alias @nick22985/wakatime-api
 * calls): list, start one (201), and download a finished one — with the owner's credentials or a
 * signed link that expires with the dump (`download_url`), streamed part by part.
 */
import { Type } from '@sinclair/typebox';
import { epochSeconds } from '../domain/clock.js';
import { resolveTargetUser } from '../http/auth.js';
import { ErrorBody, UserParams } from '../http/schemas.js';
import { DataDumpCreated, DataDumpList, dataDumpResource } from '../wire/data-dump.js';
import type { RouteFamily } from './types.js';

const tags = ['data dumps'];
/** A dump holds every heartbeat: an OAuth app needs read_heartbeats. */
const scope = 'read_heartbeats';

export const dataDumpRoutes: RouteFamily = async (app, { storage, services }) => {
  const dumps = services.dataDumps;
  for (const path of ['/api/v1/users/:user/data_dumps', '/api/v1/users/:user/data_dump']) {
    app.get(
      path,
      { schema: { summary: 'List your data exports', tags, params: UserParams, response: { 200: DataDumpList, '4xx': ErrorBody } } },
      async (request) => {
        const { user } = await resolveTargetUser(storage, request, request.params.user, { scope });
        const now = epochSeconds(services.clock);
        return { data: (await dumps.list(user.id)).map((d) => dataDumpResource(d, dumps.downloadUrl(d), now)) };
      },
    );
    app.post(
      path,
      {
        schema: {
          summary: 'Start generating a data export in the background',
          tags,
          params: UserParams,
          body: Type.Object({
            type: Type.String({ maxLength: 32, description: "'daily' or 'heartbeats'" }),
            email_when_finished: Type.Optional(Type.Boolean({ description: 'e-mail the download link when finished (default true; needs mail configured)' })),
          }),
          response: { 201: DataDumpCreated, '4xx': ErrorBody },
        },
      },
      async (request, reply) => {
        const { user } = await resolveTargetUser(storage, request, request.params.user, { scope });
        const d = await dumps.create(user, request.body.type, request.body.email_when_finished ?? true);
        return reply.code(201).send({ data: dataDumpResource(d, dumps.downloadUrl(d), epochSeconds(services.clock)) });
      },
    );
  }

  app.get(
    '/api/v1/data_dumps/:id/download',
    {
      config: { auth: { optional: true } },
      schema: {
        summary: "Download a finished data export (gzip JSON): the owner's credentials or the signed download_url",
        tags,
        security: [],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object({ expires: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })), signature: Type.Optional(Type.String({ maxLength: 128 })) }),
        response: { 200: Type.String({ description: 'the gzip-compressed JSON file' }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const d = await dumps.forDownload(request.params.id, { viewerId: request.viewer?.user.id ?? null, expires: request.query.expires, signature: request.query.signature });
      return reply
        .type('application/gzip')
        .header('content-length', String(d.bytes))
        .header('content-disposition', `attachment; filename="${dumps.fileName(d)}"`)
        .header('cache-control', 'private, no-store')
        .send(dumps.stream(d) as never);
    },
  );
};
