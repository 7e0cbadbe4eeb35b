/** The project resource (`GET /users/:user/projects`): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { humanReadableAgo, isoOrNull } from '../domain/time.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const ProjectResource = Type.Object(
  {
    id: Type.String({ description: 'unique project id' }),
    name: Type.String({ description: 'project name' }),
    repository: Str('associated repository if connected'),
    badge: Str('associated project badge if enabled'),
    color: Str('custom project color as hex string, or null if using default color'),
    clients: Type.Array(Type.Unknown(), { description: 'clients associated with this project (always empty: Metronome has no client billing)' }),
    has_public_url: Type.Boolean({ description: 'whether this project has a shareable url defined (always false)' }),
    human_readable_last_heartbeat_at: Str('time when project last received code stats as human readable string'),
    last_heartbeat_at: Str('time when project last received code stats in ISO 8601 format'),
    human_readable_first_heartbeat_at: Str('time when project first received code stats as human readable string'),
    first_heartbeat_at: Str('time when project first received code stats in ISO 8601 format'),
    url: Str('url of this project (always null: no shareable project pages)'),
    urlencoded_name: Type.String({ description: 'project name url entity encoded' }),
    created_at: Str('time when project was created in ISO 8601 format'),
  },
  { additionalProperties: false },
);
export type ProjectResource = Static<typeof ProjectResource>;

export const ProjectList = Type.Object({ data: Type.Array(ProjectResource) }, { additionalProperties: false });

/** What a project is made of (times in UNIX seconds). */
export interface Project {
  uuid: string;
  name: string;
  repository: string | null;
  badge: string | null;
  color: string | null;
  first_heartbeat_at: number | null;
  last_heartbeat_at: number | null;
  created_at: number | null;
}

export function toProjectResource(p: Project, now: number): ProjectResource {
  return {
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
  };
}
