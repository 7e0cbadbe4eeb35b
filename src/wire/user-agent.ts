/** The user agent resource (`GET /users/:user/user_agents`): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoOrNull } from '../domain/time.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const UserAgentResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this user agent' }),
    value: Type.String({ description: 'a user agent string' }),
    editor: Str('the editor/IDE name of this user agent'),
    version: Str('the wakatime plugin version of this user agent'),
    os: Str('operating system of this user agent'),
    last_seen_at: Str('time when this user agent was last seen in ISO 8601 format'),
    is_browser_extension: Type.Boolean({ description: 'true if this plugin is the browser-wakatime extension' }),
    is_desktop_app: Type.Boolean({ description: 'true if this plugin is the macos-wakatime native desktop app' }),
    created_at: Str('time when this user agent was first seen in ISO 8601 format'),
  },
  { additionalProperties: false },
);
export type UserAgentResource = Static<typeof UserAgentResource>;

export const UserAgentList = Type.Object({ data: Type.Array(UserAgentResource) }, { additionalProperties: false });

/** What a user agent is made of (flags as 0/1 or booleans, times in UNIX seconds). */
export interface UserAgent {
  uuid: string;
  value: string;
  editor: string | null;
  version: string | null;
  os: string | null;
  is_browser_extension: number | boolean;
  is_desktop_app: number | boolean;
  first_seen_at: number | null;
  last_seen_at: number | null;
}

export function toUserAgentResource(a: UserAgent): UserAgentResource {
  return {
    id: a.uuid,
    value: a.value,
    editor: a.editor,
    version: a.version,
    os: a.os,
    last_seen_at: isoOrNull(a.last_seen_at),
    is_browser_extension: !!a.is_browser_extension,
    is_desktop_app: !!a.is_desktop_app,
    created_at: isoOrNull(a.first_seen_at),
  };
}
