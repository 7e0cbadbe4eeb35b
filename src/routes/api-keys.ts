/**
 * Named API keys of the current user: list (never the secret), create (the key is shown once),
 * revoke. Not for OAuth apps: an app's token must never mint or revoke keys.
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ApiKeyCreated, ApiKeyList, apiKeyResource } from '../wire/api-key.js';
import type { RouteFamily } from './types.js';

const tags = ['api keys'];
const auth: RouteAuth = { owner: 'manage API keys' };

export const apiKeyRoutes: RouteFamily = async (app, { services }) => {
  app.get(
    '/api/v1/users/current/api_keys',
    { config: { auth }, schema: { summary: 'List your API keys', tags, response: { 200: ApiKeyList } } },
    async (request) => {
      const { user } = viewerOf(request);
      return { data: (await services.apiKeys.list(user.id)).map(apiKeyResource) };
    },
  );

  app.post(
    '/api/v1/users/current/api_keys',
    {
      config: { auth },
      schema: { summary: 'Create an API key (shown once)', tags, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 201: ApiKeyCreated } },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      const { key, row } = await services.apiKeys.create(user.id, request.body.name);
      return reply.code(201).send({ data: { ...apiKeyResource(row), api_key: key } });
    },
  );

  app.delete(
    '/api/v1/users/current/api_keys/:id',
    {
      config: { auth },
      schema: { summary: 'Revoke an API key', tags, params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Type.Object({ data: Type.Object({}) }) } },
    },
    async (request) => {
      const { user } = viewerOf(request);
      await services.apiKeys.revoke(user.id, request.params.id);
      return { data: {} };
    },
  );
};
