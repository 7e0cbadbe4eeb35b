/** What heartbeats create: projects, machine names and user agents, with first/last seen times. */
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { isoOrNull } from '../domain/time.js';
import { resolveTargetUser } from '../http/auth.js';
import { UserParams } from '../http/schemas.js';
import type { RouteFamily } from './types.js';

/** "3 hours ago", as WakaTime's human_readable_* times read. */
export function humanReadableAgo(seconds: number | null, now = Date.now() / 1000): string | null {
  if (seconds === null) return null;
  return DateTime.fromSeconds(seconds).toRelative({ base: DateTime.fromSeconds(now), locale: 'en' });
}

export const recordRoutes: RouteFamily = async (app, { storage }) => {
  app.get(
    '/api/v1/users/:user/projects',
    {
      schema: {
        summary: "The user's projects",
        tags: ['projects'],
        params: UserParams,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 1024, description: 'filter project names by a search term' })) }),
      },
    },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.projects', 'read_stats', 'read_stats.projects'] });
      let query = storage.db.selectFrom('projects').selectAll().where('user_id', '=', user.id);
      const q = request.query.q?.trim();
      if (q) {
        const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
      }
      const rows = await query.orderBy('last_heartbeat_at', 'desc').execute();
      const now = Date.now() / 1000;
      return {
        data: rows.map((p) => ({
          id: p.uuid,
          name: p.name,
          repository: p.repository,
          badge: p.badge,
          color: p.color,
          // Metronome has no client-billing feature: no project has clients.
          clients: [],
          // Metronome has no shareable project pages (yet): none has a public url.
          has_public_url: false,
          human_readable_last_heartbeat_at: humanReadableAgo(p.last_heartbeat_at, now),
          last_heartbeat_at: isoOrNull(p.last_heartbeat_at),
          human_readable_first_heartbeat_at: humanReadableAgo(p.first_heartbeat_at, now),
          first_heartbeat_at: isoOrNull(p.first_heartbeat_at),
          url: null,
          urlencoded_name: encodeURIComponent(p.name),
          created_at: isoOrNull(p.created_at),
        })),
      };
    },
  );

  app.get(
    '/api/v1/users/:user/machine_names',
    { schema: { summary: "The user's machines", tags: ['machines'], params: UserParams } },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.machines', 'read_stats', 'read_stats.machines'] });
      const rows = await storage.db.selectFrom('machines').selectAll().where('user_id', '=', user.id).orderBy('last_seen_at', 'desc').execute();
      return {
        data: rows.map((m) => ({
          id: m.uuid,
          name: m.value,
          value: m.value,
          ip: m.ip,
          timezone: m.timezone,
          last_seen_at: isoOrNull(m.last_seen_at),
          created_at: isoOrNull(m.first_seen_at),
        })),
      };
    },
  );

  app.get(
    '/api/v1/users/:user/user_agents',
    { schema: { summary: 'Plugins that have sent data for this user', tags: ['user agents'], params: UserParams } },
    async (request) => {
      const { user } = await resolveTargetUser(storage, request, request.params.user, { scope: ['read_heartbeats', 'read_summaries', 'read_summaries.editors', 'read_stats', 'read_stats.editors'] });
      const rows = await storage.db.selectFrom('user_agents').selectAll().where('user_id', '=', user.id).orderBy('last_seen_at', 'desc').execute();
      return {
        data: rows.map((a) => ({
          id: a.uuid,
          value: a.value,
          editor: a.editor,
          version: a.version,
          os: a.os,
          last_seen_at: isoOrNull(a.last_seen_at),
          is_browser_extension: !!a.is_browser_extension,
          is_desktop_app: !!a.is_desktop_app,
          created_at: isoOrNull(a.first_seen_at),
        })),
      };
    },
  );
};
