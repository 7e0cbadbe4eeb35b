import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../../src/domain/errors.js';
import { installErrorHandlers } from '../../src/http/errors.js';

describe('domain errors → HTTP', () => {
  const cases = [
    { err: new ValidationError('name', 'must not be blank'), status: 400, body: { error: 'name: must not be blank', errors: { name: ['must not be blank'] } } },
    { err: new UnauthorizedError('Authentication required'), status: 401, body: { error: 'Authentication required' } },
    { err: new ForbiddenError('Not yours'), status: 403, body: { error: 'Not yours' } },
    { err: new NotFoundError('No such API key.', 'id'), status: 404, body: { error: 'id: No such API key.', errors: { id: ['No such API key.'] } } },
    { err: new ConflictError('This username is taken.', 'username'), status: 409, body: { error: 'username: This username is taken.', errors: { username: ['This username is taken.'] } } },
    { err: new RateLimitedError('Too many', 90.2), status: 429, body: { error: 'Too many' } },
  ];
  it.each(cases)('$err.name answers $status with the JSON envelope', async ({ err, status, body }) => {
    const app = Fastify();
    installErrorHandlers(app);
    app.get('/x', async () => {
      throw err;
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual(body);
    if (err instanceof RateLimitedError) expect(res.headers['retry-after']).toBe('91');
    await app.close();
  });
});
