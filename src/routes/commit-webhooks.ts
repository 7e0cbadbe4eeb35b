/**
 * The commit webhook receiver (issue 12): POST /api/v1/commit_webhooks/:id from GitHub, GitLab,
 * Gitea or Forgejo. No credentials but the delivery's signature (or GitLab's token), checked over
 * the raw body — so this family parses its own bodies (as bytes, in its own plugin scope).
 * Unknown hook 404, bad signature 401, bad payload 400 naming the field; other events 200.
 */
import { Type } from '@sinclair/typebox';
import { ErrorBody } from '../http/schemas.js';
import type { RouteFamily } from './types.js';

export const commitWebhookRoutes: RouteFamily = async (app, { services }) => {
  // this plugin's scope only: the body stays bytes (signatures are over the bytes sent)
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/v1/commit_webhooks/:id',
    {
      config: { perItemBody: true },
      schema: {
        summary: 'Receive a push webhook (GitHub, GitLab, Gitea, Forgejo) for a project',
        tags: ['commits'],
        security: [],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object({
            data: Type.Object({
              event: Type.String(),
              provider: Type.String(),
              branch: Type.Union([Type.String(), Type.Null()]),
              received: Type.Integer(),
              stored: Type.Integer(),
            }),
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (request) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return { data: await services.commits.receive(request.params.id, request.headers, body) };
    },
  );
};
