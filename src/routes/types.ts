/** The shape of an endpoint family: a Fastify plugin that receives the app context. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app.js';
// Route schemas carry OpenAPI fields (summary, tags, description) for /api/docs.
import type {} from '@fastify/swagger';

export type RouteFamily = FastifyPluginAsyncTypebox<AppContext>;
