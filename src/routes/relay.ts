/**
 * Relay targets of the current user: other WakaTime-compatible servers every accepted heartbeat is
 * forwarded to (services/relay.ts). Owner only (they hold another server's API key): never OAuth apps.
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody } from '../http/schemas.js';
import { RelayTargetBody, RelayTargetEnvelope, RelayTargetList, relayTargetResource } from '../wire/relay.js';
import type { RouteFamily } from './types.js';

const tags = ['relay'];
const auth: RouteAuth = { owner: 'manage relay targets' };
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const relayRoutes: RouteFamily = async (app, { services }) => {
  const relay = services.relay;
  app.get(
    '/api/v1/users/current/relay_targets',
    { config: { auth }, schema: { summary: 'List your relay targets', tags, response: { 200: RelayTargetList, '4xx': ErrorBody } } },
    async (request) => ({ data: (await relay.list(viewerOf(request).user.id)).map(relayTargetResource) }),
  );
  app.post(
    '/api/v1/users/current/relay_targets',
    { config: { auth }, schema: { summary: 'Add a relay target (url and api_key required)', tags, body: RelayTargetBody, response: { 201: RelayTargetEnvelope, '4xx': ErrorBody } } },
    async (request, reply) => reply.code(201).send({ data: relayTargetResource(await relay.create(viewerOf(request).user.id, request.body)) }),
  );
  app.patch(
    '/api/v1/users/current/relay_targets/:id',
    { config: { auth }, schema: { summary: 'Edit a relay target', tags, params: IdParams, body: RelayTargetBody, response: { 200: RelayTargetEnvelope, '4xx': ErrorBody } } },
    async (request) => ({ data: relayTargetResource(await relay.update(viewerOf(request).user.id, request.params.id, request.body)) }),
  );
  app.delete(
    '/api/v1/users/current/relay_targets/:id',
    { config: { auth }, schema: { summary: 'Remove a relay target (its undelivered heartbeats are dropped)', tags, params: IdParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      await relay.remove(viewerOf(request).user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
