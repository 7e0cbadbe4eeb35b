/**
 * Goals: GET `users/:user/goals` and `users/:user/goals/:goal` (read_goals; served from the goal
 * cache only, `{"data":{"chart_data":[]}}` until it is filled), and the writes under
 * `users/current/goals` — POST creates (201; `?dry_run=true` computes without storing: the live
 * preview), PATCH edits, DELETE removes (204) — plus the invitation answer and the viewer's own
 * e-mail subscription. Writes take an API key or the session, never an OAuth token (the
 * reference has no scope for writing goals).
 */
import { Type } from '@sinclair/typebox';
import { requireScope, viewerOf, type RouteAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { booleanParam, BooleanQuery, ErrorBody, UserParams } from '../http/schemas.js';
import { isoOrNull } from '../domain/time.js';
import { GoalBody, GoalCreated, GoalEnvelope, GoalList, goalResource } from '../wire/goal.js';
import type { RouteFamily } from './types.js';

const tags = ['goals'];
const GoalParams = Type.Object({ user: UserParams.properties.user, goal: Type.String({ minLength: 1, maxLength: 64, description: 'goal id' }) });
const CurrentGoalParams = Type.Object({ goal: Type.String({ minLength: 1, maxLength: 64, description: 'goal id' }) });
const write: RouteAuth = { owner: 'change goals' };
/** Reads: the user named in the path is resolved by the auth plugin; goals are never public. */
const read: RouteAuth = { scope: 'read_goals', subject: 'user', allowPublic: () => true };

export const goalRoutes: RouteFamily = async (app, { services }) => {
  /** The viewer of a goal read: someone signed in, with read_goals when it is an app. */
  function reader(request: Parameters<typeof viewerOf>[0]) {
    const auth = request.viewer;
    if (!auth) throw new HttpError(401, 'Authentication required: send your API key or an OAuth token with read_goals');
    requireScope(auth, 'read_goals');
    return { viewer: auth.user, target: request.subject!.user };
  }

  app.get(
    '/api/v1/users/:user/goals',
    {
      config: { auth: read },
      schema: {
        summary: "A user's goals (and, for yourself, the goals shared with you)",
        description: "Someone else's goals: only those they shared with you.",
        tags,
        params: UserParams,
        response: { 200: GoalList, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { viewer, target } = reader(request);
      const views = await services.goals.list(viewer, target);
      return { data: views.map(goalResource), total: views.length, total_pages: views.length ? 1 : 0 };
    },
  );

  app.get(
    '/api/v1/users/:user/goals/:goal',
    {
      config: { auth: read },
      schema: {
        summary: 'A single goal, from the cache ({"data":{"chart_data":[]}} while it is computed)',
        tags,
        params: GoalParams,
        response: { 200: GoalEnvelope, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { viewer, target } = reader(request);
      const view = await services.goals.get(viewer, request.params.goal);
      // someone else's path: only that user's goals (shared with the viewer)
      if (target.id !== viewer.id && view.owner.id !== target.id) throw new HttpError(404, 'Goal not found.', 'goal');
      if (!view.progress) return { data: { chart_data: [] } };
      return { cached_at: isoOrNull(view.cachedAt)!, data: goalResource(view) };
    },
  );

  app.post(
    '/api/v1/users/current/goals',
    {
      config: { auth: write },
      schema: {
        summary: 'Create a goal (seconds and delta required); dry_run=true previews it without storing',
        tags,
        querystring: Type.Object({ dry_run: Type.Optional(BooleanQuery('compute the goal without creating it')) }),
        body: GoalBody,
        response: { 200: GoalCreated, 201: GoalCreated, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      if (booleanParam(request.query.dry_run, 'dry_run')) {
        const view = await services.goals.preview(user, request.body);
        return reply.code(200).send({ cached_at: isoOrNull(view.cachedAt), data: goalResource(view) });
      }
      const view = await services.goals.create(user, request.body);
      return reply.code(201).send({ cached_at: isoOrNull(view.cachedAt), data: goalResource(view) });
    },
  );

  app.patch(
    '/api/v1/users/current/goals/:goal',
    {
      config: { auth: write },
      schema: { summary: 'Edit a goal (any of its fields; shared_with replaces the list)', tags, params: CurrentGoalParams, body: GoalBody, response: { 200: GoalCreated, '4xx': ErrorBody } },
    },
    async (request) => {
      const { user } = viewerOf(request);
      const view = await services.goals.update(user, request.params.goal, request.body);
      return { cached_at: isoOrNull(view.cachedAt), data: goalResource(view) };
    },
  );

  app.delete(
    '/api/v1/users/current/goals/:goal',
    { config: { auth: write }, schema: { summary: 'Delete a goal', tags, params: CurrentGoalParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      const { user } = viewerOf(request);
      await services.goals.remove(user, request.params.goal);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/users/current/goals/:goal/invitation',
    {
      config: { auth: write },
      schema: {
        summary: 'Accept or decline a goal shared with you',
        tags,
        params: CurrentGoalParams,
        body: Type.Object({ status: Type.Union([Type.Literal('accepted'), Type.Literal('declined')]) }),
        response: { 200: GoalCreated, 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      const view = await services.goals.respond(user, request.params.goal, request.body.status);
      if (!view) return reply.code(204).send(null);
      return { cached_at: isoOrNull(view.cachedAt), data: goalResource(view) };
    },
  );

  app.patch(
    '/api/v1/users/current/goals/:goal/subscription',
    {
      config: { auth: write },
      schema: {
        summary: 'Your progress e-mails for a goal (yours or shared with you): how often, snoozed until when',
        tags,
        params: CurrentGoalParams,
        body: Type.Object({
          email_frequency: Type.Optional(Type.String({ maxLength: 16, description: 'daily, weekly or none' })),
          snooze_until: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: 'ISO 8601; null resumes' })),
        }),
        response: { 200: GoalCreated, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const { user } = viewerOf(request);
      const view = await services.goals.subscribe(user, request.params.goal, request.body);
      return { cached_at: isoOrNull(view.cachedAt), data: goalResource(view) };
    },
  );
};
