/**
 * Builds the HTTP application: Fastify with TypeBox schemas, the error envelopes, and every
 * endpoint family from src/routes/. The server process (src/server.ts) and the tests share it.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { trustProxySetting, type Config } from './config.js';
import type { Storage } from './storage/db.js';
import { installErrorHandlers } from './http/errors.js';
import { installInputGuard } from './http/input-guard.js';
import { authPlugin } from './http/auth.js';
import { oauthTokenResolver } from './http/oauth-auth.js';
import { sessionResolver } from './http/session.js';
import { registerOpenApi } from './http/openapi.js';
import { createServices, type Services } from './services/index.js';
import type { Clock } from './domain/clock.js';
import { routeFamilies } from './routes/index.js';
import { registerWeb } from './http/web.js';
import { loggerOptions, redactUrl } from './http/logging.js';

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
  /** "Now" for the services; the system clock unless a test fixes it. */
  clock?: Clock;
}

export type App = FastifyInstance & { ctx: AppContext };

/** Fastify and Node http options for config.timeouts (408 for a request not received in time). */
function serverTimeouts(config: Config) {
  const t = config.timeouts;
  return {
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    connectionTimeout: t.connectionTimeoutMs,
    // Node checks request and header timeouts every connectionsCheckingInterval (default 30 s)
    http: { headersTimeout: t.headersTimeoutMs, requestTimeout: t.requestTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(5_000, Math.floor(t.headersTimeoutMs / 4))) },
  };
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config, storage } = options;
  const app = Fastify({
    // credentials never reach the logs (http/logging.ts)
    logger: loggerOptions(options.logger, config.logLevel),
    bodyLimit: config.bodyLimit,
    // slow or stalled clients never hold a connection open for good (README, "Configuration")
    ...serverTimeouts(config),
    // one debug line per request from our onResponse hook instead of two info lines per request
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxySetting(config.env.TRUST_PROXY),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // a malformed URL (an invalid %-escape, an over-long path parameter) gets the usual {"error"} envelope
    frameworkErrors: (err, _request, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as FastifyReply).code(status).send({ error: `Malformed URL: ${err.message}` });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandlers(app);
  // non-finite numbers, NUL and lone surrogates are a 400 naming the field, on every route
  installInputGuard(app);
  // before any route: the OpenAPI document (/api/docs) is collected from route registrations
  await registerOpenApi(app, config);
  app.addHook('onResponse', async (request, reply) => {
    const url = redactUrl(request.url);
    if (reply.statusCode >= 500) request.log.error({ method: request.method, url, status: reply.statusCode }, 'request failed');
    else request.log.debug({ method: request.method, url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  // web sessions (cookies) and HTML forms (the OAuth consent page, form-encoded /oauth/token bodies)
  await app.register(cookie);
  await app.register(formbody);

  const services = createServices({ config, storage, log: app.log, clock: options.clock });
  const ctx: AppContext = { config, storage, services };
  (app as unknown as App).ctx = ctx;
  app.addHook('onClose', async () => {
    await services.close();
  });
  // request.authenticate() / request.viewer, and each route's declared `config.auth`: before any route
  await app.register(authPlugin, {
    storage,
    apiKeys: (key) => services.apiKeys.authenticate(key),
    tokenResolvers: [oauthTokenResolver(services.oauth)],
    ambientResolvers: [sessionResolver(storage)],
  });

  for (const family of routeFamilies) {
    await app.register(family, ctx);
  }
  // the browser app at `/` (web/dist), after every API route
  await registerWeb(app);
  return app as unknown as App;
}
