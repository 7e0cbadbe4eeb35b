/**
 * What the logs may show: never a credential. URLs lose the values of credential-bearing query
 * parameters (`?api_key=…`, `access_token`, `token`, `code`, `client_secret`, `refresh_token`, …),
 * and Authorization / Cookie / Set-Cookie headers are censored, in every log line at every level.
 */
import type { FastifyRequest } from 'fastify';
import pino from 'pino';

/** Query parameters whose values are secrets. */
export const SECRET_PARAMS = ['api_key', 'access_token', 'token', 'code', 'client_secret', 'app_secret', 'secret', 'refresh_token', 'code_verifier', 'password', 'csrf_token', 'signature'];

const CENSOR = '[REDACTED]';
// name=value in a query string or form body, wherever it appears in a string
const SECRET_PAIR = new RegExp(`([?&;](?:${SECRET_PARAMS.join('|')})=)[^&#\\s"']*`, 'gi');

/** The URL (or any text) with the values of secret query parameters replaced. */
export function redactUrl(url: string): string {
  return url.includes('=') ? url.replace(SECRET_PAIR, `$1${CENSOR}`) : url;
}

const HEADER_PATHS = ['authorization', 'cookie', '"set-cookie"', '"x-csrf-token"'];

/** pino options (as Fastify takes them) with the redaction added: `false` stays no logging. */
export function loggerOptions(given: boolean | Record<string, unknown> | undefined, level: string): false | Record<string, unknown> {
  if (given === false) return false;
  const base = given === true || given === undefined ? { level } : given;
  return {
    ...base,
    redact: {
      paths: HEADER_PATHS.flatMap((h) => [`req.headers.${h}`, `res.headers.${h}`, `headers.${h}`]),
      censor: CENSOR,
    },
    serializers: {
      ...(base.serializers as Record<string, unknown> | undefined),
      err: (err: Error) => {
        const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
        for (const k of ['message', 'stack']) if (typeof out[k] === 'string') out[k] = redactUrl(out[k]);
        return out;
      },
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
      }),
    },
    formatters: {
      ...(base.formatters as Record<string, unknown> | undefined),
      // any other string field that carries a URL (e.g. { url } or an error's message)
      log: (object: Record<string, unknown>) => {
        let out: Record<string, unknown> | null = null;
        for (const [k, v] of Object.entries(object)) {
          if (typeof v !== 'string') continue;
          const clean = redactUrl(v);
          if (clean !== v) (out ??= { ...object })[k] = clean;
        }
        return out ?? object;
      },
    },
    hooks: {
      // the message itself
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactUrl(a) : a)));
      },
    },
  };
}
