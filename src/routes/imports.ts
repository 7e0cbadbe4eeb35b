/**
 * Imports of the current user (services/imports.ts): start one (a file to upload, or another
 * server by URL + key), upload its file (the raw body, plain or gzip JSON, streamed into the
 * database), follow its progress and report, cancel or resume it, forget it. Owner only: never OAuth apps.
 */
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody } from '../http/schemas.js';
import { ImportEnvelope, ImportList, importResource } from '../wire/import.js';
import type { RouteFamily } from './types.js';

const tags = ['imports'];
const auth: RouteAuth = { owner: 'import data' };
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const importRoutes: RouteFamily = async (app, { services }) => {
  const imports = services.imports;
  app.get(
    '/api/v1/users/current/imports',
    { config: { auth }, schema: { summary: 'List your imports', tags, response: { 200: ImportList, '4xx': ErrorBody } } },
    async (request) => ({ data: (await imports.list(viewerOf(request).user.id)).map(importResource) }),
  );
  app.post(
    '/api/v1/users/current/imports',
    {
      config: { auth },
      schema: {
        summary: "Start an import: type 'server' (url, api_key, method days|dump, start, end) runs at once; type 'file' waits for PUT …/imports/:id/file",
        tags,
        body: Type.Object(
          {
            type: Type.String({ maxLength: 16 }),
            url: Type.Optional(Type.String({ maxLength: 2048 })),
            api_key: Type.Optional(Type.String({ maxLength: 512 })),
            method: Type.Optional(Type.String({ maxLength: 16 })),
            start: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD (default: when the other account was created)' })),
            end: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD (default: today)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ImportEnvelope, '4xx': ErrorBody },
      },
    },
    async (request, reply) => reply.code(201).send({ data: importResource(await imports.create(viewerOf(request).user.id, request.body)) }),
  );
  app.get(
    '/api/v1/users/current/imports/:id',
    { config: { auth }, schema: { summary: 'An import: progress and report', tags, params: IdParams, response: { 200: ImportEnvelope, '4xx': ErrorBody } } },
    async (request) => ({ data: importResource(await imports.get(viewerOf(request).user.id, request.params.id)) }),
  );
  app.patch(
    '/api/v1/users/current/imports/:id',
    {
      config: { auth },
      schema: {
        summary: "Cancel an import (status 'canceled') or resume a failed or canceled one (status 'pending')",
        tags,
        params: IdParams,
        body: Type.Object({ status: Type.String({ maxLength: 16 }) }, { additionalProperties: false }),
        response: { 200: ImportEnvelope, '4xx': ErrorBody },
      },
    },
    async (request) => ({ data: importResource(await imports.setStatus(viewerOf(request).user.id, request.params.id, request.body.status)) }),
  );
  app.delete(
    '/api/v1/users/current/imports/:id',
    { config: { auth }, schema: { summary: 'Forget an import (stopping it; imported heartbeats stay)', tags, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      await imports.remove(viewerOf(request).user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  // the upload takes the raw body (any content type, plain or gzip JSON) as a stream
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', { bodyLimit: imports.maxUploadBytes }, (_request, payload, done) => done(null, payload));
    upload.put(
      '/api/v1/users/current/imports/:id/file',
      {
        bodyLimit: imports.maxUploadBytes,
        config: { auth, perItemBody: true },
        schema: {
          summary: 'Upload the data dump file of a file import (the raw body: a WakaTime heartbeats export, JSON or gzip)',
          tags,
          params: IdParams,
          response: { 200: ImportEnvelope, '4xx': ErrorBody },
        },
      },
      async (request) => ({ data: importResource(await imports.upload(viewerOf(request).user.id, (request.params as { id: string }).id, request.body as Readable)) }),
    );
  });
};
