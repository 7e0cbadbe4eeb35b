/**
 * Error envelopes of the WakaTime API: `{"error": "message"}` or
 * `{"errors": {"field": ["message"]}}` with a 4xx code. Never an HTML or empty body.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, RateLimitedError, type DomainErrorKind } from '../domain/errors.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** The request field at fault, when one is. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The status code of each kind of domain error (src/domain/errors.ts). */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/** Answers a domain error: its status, Retry-After for rate limits, the usual envelope. */
export function sendDomainError(reply: FastifyReply, err: DomainError): FastifyReply {
  if (err instanceof RateLimitedError) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  return reply.code(DOMAIN_ERROR_STATUS[err.kind]).send(errorBody(err.message, err.field));
}

export function errorBody(message: string, field?: string): { error: string; errors?: Record<string, string[]> } {
  return field ? { error: `${field}: ${message}`, errors: { [field]: [message] } } : { error: message };
}

/** Turns Ajv's instancePath ("/0/time", "/time") or missingProperty into the field name a client sent. */
function validationField(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const params = v.params as Record<string, unknown>;
  const segments = v.instancePath.split('/').filter(Boolean);
  if (typeof params.missingProperty === 'string') segments.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') segments.push(params.additionalProperty);
  const context = err.validationContext; // body | querystring | params | headers
  const name = segments.join('.');
  if (!name) return context === 'body' ? 'body' : undefined;
  return name;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send(errorBody(err.message, err.field));
    }
    if (err instanceof DomainError) return sendDomainError(reply, err);
    if (err.validation) {
      const field = validationField(err);
      const v = err.validation[0];
      const message = v?.message ? v.message : err.message;
      return reply.code(400).send(errorBody(message, field));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      let message = err.message;
      if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) message = `body is not valid JSON: ${err.message}`;
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `body is larger than the limit of ${app.initialConfig.bodyLimit} bytes`;
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `unsupported Content-Type "${request.headers['content-type'] ?? ''}": send application/json`;
      return reply.code(status).send({ error: message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(status >= 500 ? status : 500).send({ error: 'Internal server error' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `Not found: ${request.method} ${request.url.split('?')[0]}` });
  });
}
