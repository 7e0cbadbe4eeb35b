/**
 * Builds the HTTP application: Fastify with TypeBox schemas, the error envelopes, and every
 * endpoint family from src/routes/. The server process (src/server.ts) and the tests share it.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Storage } from './storage/db.js';
import { installErrorHandlers } from './http/errors.js';
import { registerOpenApi } from './http/openapi.js';
import { createServices, type Services } from './services/index.js';
import { routeFamilies } from './routes/index.js';
import { registerWeb } from './http/web.js';

export interface AppContext {
  config: Config;
  storage: Storage;
  services: Services;
}

export interface BuildOptions {
  config: Config;
  storage: Storage;
  /** pino options, or false for no logs (tests). */
  logger?: boolean | Record<string, unknown>;
}

export type App = FastifyInstance & { ctx: AppContext };

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config, storage } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // one debug line per request from our onResponse hook instead of two info lines per request
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.env.TRUST_PROXY === 'true' || config.env.TRUST_PROXY === '1',
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandlers(app);
  // before any route: the OpenAPI document (/api/docs) is collected from route registrations
  await registerOpenApi(app, config);
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500) request.log.error({ url: request.url, status: reply.statusCode }, 'request failed');
    else request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  // web sessions (cookies) and HTML forms (the OAuth consent page, form-encoded /oauth/token bodies)
  await app.register(cookie);
  await app.register(formbody);

  const services = createServices({ config, storage, log: app.log });
  const ctx: AppContext = { config, storage, services };
  (app as unknown as App).ctx = ctx;
  app.addHook('onClose', async () => {
    await services.close();
  });

  for (const family of routeFamilies) {
    await app.register(family, ctx);
  }
  // the browser app at `/` (web/dist), after every API route
  await registerWeb(app);
  return app as unknown as App;
}
