/**
 * Administration of the instance (instance administrators only; never OAuth apps): the users with
 * their last activity and heartbeat counts, disabling a user or making them an administrator,
 * sign-up on or off at run time (overrides ALLOW_SIGNUP).
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { Nullable } from '../wire/common.js';
import type { RouteFamily } from './types.js';

const tags = ['admin'];
const auth: RouteAuth = { owner: 'administer the instance' };
const PER_PAGE = 50;
const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

const AdminUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Nullable(Type.String()),
  full_name: Nullable(Type.String()),
  created_at: Type.String(),
  last_heartbeat_at: Nullable(Type.String()),
  last_plugin_name: Nullable(Type.String()),
  heartbeats_count: Type.Integer(),
  is_admin: Type.Boolean(),
  is_disabled: Type.Boolean(),
  disabled_at: Nullable(Type.String()),
});
const Settings = Type.Object({ data: Type.Object({ allow_signup: Type.Boolean(), allow_signup_source: Type.String({ description: 'runtime (set here) or environment (ALLOW_SIGNUP)' }) }) });

function adminUser(u: { uuid: string; username: string; email: string | null; full_name: string | null; created_at: number; last_heartbeat_at: number | null; last_plugin_name: string | null; heartbeats: number; is_admin: number; disabled_at: number | null }) {
  return {
    id: u.uuid,
    username: u.username,
    email: u.email,
    full_name: u.full_name,
    created_at: iso(u.created_at)!,
    last_heartbeat_at: iso(u.last_heartbeat_at),
    last_plugin_name: u.last_plugin_name,
    heartbeats_count: u.heartbeats,
    is_admin: u.is_admin === 1,
    is_disabled: u.disabled_at !== null,
    disabled_at: iso(u.disabled_at),
  };
}

export const adminRoutes: RouteFamily = async (app, { services }) => {
  app.get(
    '/api/v1/admin/users',
    {
      config: { auth },
      schema: {
        summary: 'Users of this instance, with last activity and heartbeat counts (administrators)',
        tags,
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), q: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Type.Object({ data: Type.Array(AdminUser), total: Type.Integer(), total_pages: Type.Integer(), page: Type.Integer(), prev_page: Nullable(Type.Integer()), next_page: Nullable(Type.Integer()) }) },
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const { rows, total } = await services.admin.users(viewerOf(request).user, { offset: (page - 1) * PER_PAGE, limit: PER_PAGE, q: request.query.q || undefined });
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      return { data: rows.map(adminUser), total, total_pages: pages, page, prev_page: page > 1 ? page - 1 : null, next_page: page < pages ? page + 1 : null };
    },
  );

  app.patch(
    '/api/v1/admin/users/:user',
    {
      config: { auth },
      schema: {
        summary: 'Disable or enable a user, or make them an administrator (administrators)',
        tags,
        params: Type.Object({ user: Type.String({ minLength: 1, maxLength: 200 }) }),
        body: Type.Object({ is_disabled: Type.Optional(Type.Boolean()), is_admin: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ data: AdminUser }) },
      },
    },
    async (request) => ({ data: adminUser(await services.admin.updateUser(viewerOf(request).user, request.params.user, request.body)) }),
  );

  app.get('/api/v1/admin/settings', { config: { auth }, schema: { summary: "The instance's run-time settings (administrators)", tags, response: { 200: Settings } } }, async (request) => {
    return { data: await services.admin.settingsFor(viewerOf(request).user) };
  });

  app.patch(
    '/api/v1/admin/settings',
    { config: { auth }, schema: { summary: 'Turn sign-up on or off at run time (administrators)', tags, body: Type.Object({ allow_signup: Type.Optional(Type.Boolean()) }), response: { 200: Settings } } },
    async (request) => ({ data: await services.admin.updateSettings(viewerOf(request).user, request.body) }),
  );
};
