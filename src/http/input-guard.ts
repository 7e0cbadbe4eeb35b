/**
 * One check of every request's input, on every route, after schema validation and coercion:
 *
 * - **Numbers must be finite.** Ajv's `coerceTypes` turns the strings "Infinity", "-Infinity" and
 *   "1e309" into ±Infinity and then skips `minimum` / `maximum` (they only apply to finite
 *   numbers), and `JSON.parse` reads 1e309 as Infinity: any non-finite number left in the params,
 *   querystring or body is a 400 naming the field.
 * - **Strings must be text every database stores:** no NUL (U+0000, PostgreSQL text cannot hold
 *   it) and no lone UTF-16 surrogate ("\ud800", not valid Unicode), in values and in object keys,
 *   of the params, querystring, body and headers: a 400 naming the field (or the header).
 *
 * Exception: routes whose config sets `perItemBody: true` skip the body (params, querystring and
 * headers are still checked). The heartbeat routes (POST …/heartbeats and …/heartbeats.bulk) get
 * it automatically: their normalizer answers such a value with a 400 entry for that heartbeat alone,
 * so the rest of the batch is stored.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body is checked item by item by the route itself (see src/http/input-guard.ts). */
    perItemBody?: boolean;
  }
}

/** POST routes whose body items are checked one by one (heartbeats, so one bad one never sinks a batch). */
const PER_ITEM_BODY_ROUTE = /\/heartbeats(\.bulk)?$/;

/** What is wrong with a string, or null. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'Must not contain NUL (\\u0000) characters.';
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'Must be valid Unicode text (it holds a lone UTF-16 surrogate).';
  return null;
}

function fieldName(path: string, key: string | number): string {
  // a wildcard route's parameter is named `*` by the router: call it what it is
  return path ? `${path}.${key}` : key === '*' ? 'path' : String(key);
}

/**
 * Throws an HttpError 400 naming the first offending field of `value`. `root` names the value
 * itself when it is not an object (a body that is a bare string). Iterative: deeply nested JSON
 * never exhausts the stack.
 */
export function assertCleanInput(value: unknown, root: string): void {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = badText(v);
      if (problem) throw new HttpError(400, problem, path || root);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new HttpError(400, 'Must be a finite number.', path || root);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], fieldName(path, i)]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const problem = badText(key);
        if (problem) throw new HttpError(400, `Field names: ${problem}`, path || root);
        stack.push([(v as Record<string, unknown>)[key], fieldName(path, key)]);
      }
    }
  }
}

function checkHeaders(request: FastifyRequest): void {
  for (const [name, value] of Object.entries(request.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      const problem = badText(v);
      if (problem) throw new HttpError(400, `Header ${name}: ${problem}`, name);
    }
  }
}

export function installInputGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('POST') && PER_ITEM_BODY_ROUTE.test(route.url) && route.config?.perItemBody === undefined) {
      route.config = { ...route.config, perItemBody: true };
    }
  });
  // preHandler: after validation, so values Ajv coerced (Infinity from "1e309") are seen too
  app.addHook('preHandler', async (request) => {
    checkHeaders(request);
    assertCleanInput(request.params, 'params');
    assertCleanInput(request.query, 'query');
    if (!request.routeOptions.config.perItemBody) assertCleanInput(request.body, 'body');
  });
}
