/**
 * Commits (issue 12): GET a project's commits (page / total_pages, `author`, `branch`) and one
 * commit by hash, each with the coding time since the previous commit on its branch; the owner's
 * per-project commit webhook (GET, POST creates or rotates the secret, DELETE); and the webhook
 * receiver (routes/commit-webhooks.ts).
 */
import { Type } from '@sinclair/typebox';
import { resolveTargetUser, viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody, UserParams } from '../http/schemas.js';
import { CommitList, CommitOne, CommitWebhookResource, toCommitProject, toCommitResource, toCommitWebhookResource } from '../wire/commit.js';
import type { RouteFamily } from './types.js';

const tags = ['commits'];
const ProjectParams = Type.Object({ ...UserParams.properties, project: Type.String({ minLength: 1, maxLength: 1024, description: 'project name' }) });
/** Commits show a project's coding time: the scopes that show projects. */
const readScopes = ['read_heartbeats', 'read_summaries', 'read_summaries.projects', 'read_stats', 'read_stats.projects'];
const owner: RouteAuth = { owner: 'manage commit webhooks' };

export const commitRoutes: RouteFamily = async (app, { storage, services, config }) => {
  const apiBase = (userUuid: string) => `${config.baseUrl.replace(/\/+$/, '')}/api/v1/users/${userUuid}`;

  app.get(
    '/api/v1/users/:user/projects/:project/commits',
    {
      schema: {
        summary: "A project's commits with the time coded for each",
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          author: Type.Optional(Type.String({ maxLength: 320, description: "only commits by this author (username or e-mail)" })),
          branch: Type.Optional(Type.String({ maxLength: 1024, description: "defaults to the repository's default branch when a push told it, else every branch" })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        }),
        response: { 200: CommitList, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: readScopes });
      const q = request.query;
      const page = await services.commits.list(user, request.params.project, { author: q.author, branch: q.branch, page: q.page });
      const base = `${apiBase(user.uuid)}/projects/${encodeURIComponent(request.params.project)}/commits`;
      const link = (n: number) => {
        const params = new URLSearchParams();
        if (q.author) params.set('author', q.author);
        if (q.branch) params.set('branch', q.branch);
        params.set('page', String(n));
        return `${base}?${params.toString()}`;
      };
      const next = page.page < page.totalPages ? page.page + 1 : null;
      const prev = page.page > 1 ? Math.min(page.page - 1, Math.max(1, page.totalPages)) : null;
      return {
        commits: page.commits.map((c) => toCommitResource(c.row, c.totalSeconds, apiBase(user.uuid))),
        author: page.author,
        next_page: next,
        next_page_url: next === null ? null : link(next),
        page: page.page,
        prev_page: prev,
        prev_page_url: prev === null ? null : link(prev),
        branch: page.branch,
        project: toCommitProject(page.project),
        status: page.project.status,
        total: page.total,
        total_pages: page.totalPages,
      };
    },
  );

  app.get(
    '/api/v1/users/:user/projects/:project/commits/:hash',
    {
      schema: {
        summary: 'One commit with the time coded for it',
        tags,
        params: Type.Object({ ...ProjectParams.properties, hash: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ branch: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: { 200: CommitOne, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: readScopes });
      const one = await services.commits.one(user, request.params.project, request.params.hash, request.query.branch);
      return { commit: toCommitResource(one.commit.row, one.commit.totalSeconds, apiBase(user.uuid)), branch: one.branch, project: toCommitProject(one.project), status: one.project.status };
    },
  );

  const webhookResource = (w: Parameters<typeof toCommitWebhookResource>[0]) => toCommitWebhookResource(w, config.baseUrl);
  const WebhookParams = Type.Object({ project: ProjectParams.properties.project });

  app.get(
    '/api/v1/users/current/projects/:project/commit_webhook',
    { config: { auth: owner }, schema: { summary: "The project's commit webhook (URL and secret)", tags, params: WebhookParams, response: { 200: Type.Object({ data: CommitWebhookResource }), '4xx': ErrorBody } } },
    async (request, reply) => {
      const hook = await services.commits.webhook(viewerOf(request).user, request.params.project);
      if (!hook) return reply.code(404).send({ error: `No commit webhook for project ${request.params.project}.` });
      return { data: webhookResource(hook) };
    },
  );

  app.post(
    '/api/v1/users/current/projects/:project/commit_webhook',
    {
      config: { auth: owner },
      schema: {
        summary: "Create the project's commit webhook, or give it a new secret",
        tags,
        params: WebhookParams,
        body: Type.Optional(Type.Object({ secret: Type.Optional(Type.String({ maxLength: 200, description: '16–200 printable characters; generated when absent' })) })),
        response: { 201: Type.Object({ data: CommitWebhookResource }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const hook = await services.commits.putWebhook(viewerOf(request).user, request.params.project, request.body?.secret ?? null);
      return reply.code(201).send({ data: webhookResource(hook) });
    },
  );

  app.delete(
    '/api/v1/users/current/projects/:project/commit_webhook',
    { config: { auth: owner }, schema: { summary: "Remove the project's commit webhook (its commits stay)", tags, params: WebhookParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      await services.commits.deleteWebhook(viewerOf(request).user, request.params.project);
      return reply.code(204).send(null);
    },
  );
};
