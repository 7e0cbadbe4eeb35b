/**
 * Named API keys of the current user: list (never the secret), create (the key is shown once),
 * revoke. Not for OAuth apps: an app's token must never mint or revoke keys.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { isoOrNull } from '../domain/time.js';
import { requireAccountOwner } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../storage/api-keys.js';
import type { Storage } from '../storage/db.js';
import type { RouteFamily } from './types.js';

function keyResource(k: ApiKeyRow) {
  return { id: k.uuid, name: k.name, prefix: k.key_prefix, created_at: isoOrNull(k.created_at), last_used_at: isoOrNull(k.last_used_at) };
}

async function owner(storage: Storage, request: FastifyRequest) {
  return (await requireAccountOwner(storage, request, 'manage API keys')).user;
}

export const apiKeyRoutes: RouteFamily = async (app, { storage, services }) => {
  app.get('/api/v1/users/current/api_keys', { schema: { summary: 'List your API keys', tags: ['api keys'] } }, async (request) => {
    const user = await owner(storage, request);
    return { data: (await listApiKeys(storage.db, user.id)).map(keyResource) };
  });

  app.post(
    '/api/v1/users/current/api_keys',
    { schema: { summary: 'Create an API key (shown once)', tags: ['api keys'], body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }) } },
    async (request, reply) => {
      const user = await owner(storage, request);
      const { key, row } = await createApiKey(storage.db, user.id, request.body.name.trim());
      return reply.code(201).send({ data: { ...keyResource(row), api_key: key } });
    },
  );

  app.delete(
    '/api/v1/users/current/api_keys/:id',
    { schema: { summary: 'Revoke an API key', tags: ['api keys'], params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (request) => {
      const user = await owner(storage, request);
      if (!(await revokeApiKey(storage.db, user.id, request.params.id))) throw new HttpError(404, 'No such API key.', 'id');
      await services.events.emit('credentials.changed', { userId: user.id });
      return { data: {} };
    },
  );
};
