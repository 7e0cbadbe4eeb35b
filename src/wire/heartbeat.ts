/**
 * The heartbeat resources: a stored heartbeat (`GET /users/:user/heartbeats`, unknown fields a
 * plugin sent returned verbatim) and the answers of the heartbeat writes. Schemas and the one
 * mapping function.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoUtc } from '../domain/calendar.js';
import { heartbeatId, type StoredHeartbeat } from '../domain/heartbeat.js';

export type { StoredHeartbeat };

const Str = (description: string) => Nullable(Type.String({ description }));
const Num = (description: string) => Nullable(Type.Number({ description }));

export const HeartbeatResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this heartbeat' }),
    user_id: Type.String({ description: 'unique id of the user' }),
    entity: Type.String({ description: 'entity heartbeat is logging time against, such as an absolute file path or domain' }),
    type: Type.String({ description: 'type of entity; can be file, app, or domain' }),
    category: Type.String({ description: 'category for this activity (coding, building, debugging …)' }),
    time: Type.Number({ description: 'UNIX epoch timestamp; numbers after decimal point are fractions of a second' }),
    project: Str('project name'),
    project_root_count: Num('count of the number of folders in the project root path'),
    branch: Str('branch name'),
    language: Str('language name'),
    dependencies: Type.Array(Type.String(), { description: 'dependencies detected from entity file' }),
    machine_name_id: Str('unique id of the machine which generated this coding activity'),
    user_agent_id: Str('unique id of the user agent which sent this heartbeat'),
    user_agent: Str('the user agent string which sent this heartbeat'),
    lines: Num('total number of lines in the entity (when entity type is file)'),
    line_additions: Num('number of lines added since last heartbeat in the current file'),
    line_deletions: Num('number of lines removed since last heartbeat in the current file'),
    lineno: Num('current line row number of cursor'),
    cursorpos: Num('current cursor column position'),
    is_write: Type.Boolean({ description: 'whether this heartbeat was triggered from writing to a file' }),
    ai_line_changes: Num('lines changed by an AI agent'),
    human_line_changes: Num('lines changed by a human'),
    editor: Str('editor, from the user agent'),
    operating_system: Str('operating system, from the user agent'),
    machine: Str('machine name, from X-Machine-Name'),
    created_at: Type.String({ description: 'time when the server received this heartbeat, ISO 8601' }),
  },
  // fields a plugin sent that Metronome does not know are stored and returned verbatim
  { additionalProperties: true },
);
export type HeartbeatResource = Static<typeof HeartbeatResource>;

export const HeartbeatDay = Type.Object(
  {
    data: Type.Array(HeartbeatResource),
    start: Type.String({ description: 'start of time range as ISO 8601 UTC datetime' }),
    end: Type.String({ description: 'end of time range as ISO 8601 UTC datetime' }),
    timezone: Type.String({ description: 'timezone used for this request in Olson Country/Region format' }),
  },
  { additionalProperties: false },
);
export type HeartbeatDay = Static<typeof HeartbeatDay>;

export function toHeartbeatResource(h: StoredHeartbeat, userUuid: string): HeartbeatResource {
  const extra = h.extra ? (JSON.parse(h.extra) as Record<string, unknown>) : {};
  return {
    ...extra,
    id: heartbeatId(h.hash),
    user_id: userUuid,
    entity: h.entity,
    type: h.type,
    category: h.category,
    time: h.time,
    project: h.project,
    project_root_count: h.project_root_count,
    branch: h.branch,
    language: h.language,
    dependencies: h.dependencies ? (JSON.parse(h.dependencies) as string[]) : [],
    machine_name_id: h.machine_uuid,
    user_agent_id: h.user_agent_uuid,
    user_agent: h.user_agent,
    lines: h.lines,
    line_additions: h.line_additions,
    line_deletions: h.line_deletions,
    lineno: h.lineno,
    cursorpos: h.cursorpos,
    is_write: !!h.is_write,
    ai_line_changes: h.ai_line_changes,
    human_line_changes: h.human_line_changes,
    editor: h.editor,
    operating_system: h.operating_system,
    machine: h.machine,
    created_at: isoUtc(h.created_at),
  };
}

/** What a write answers for one accepted heartbeat (wakatime-cli decodes `type` strictly: only file/domain/app). */
export const AcceptedHeartbeat = Type.Object(
  {
    id: Type.String({ description: 'unique id of this heartbeat' }),
    entity: Type.String(),
    time: Type.Number(),
    type: Type.Optional(Type.String({ description: 'file, domain or app; absent for other types' })),
  },
  { additionalProperties: false },
);

/** A refused heartbeat: `{error}` or `{errors: {field: [message]}}`. */
export const HeartbeatRefused = Type.Object(
  { error: Type.Optional(Type.String()), errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))) },
  { additionalProperties: false, description: 'why this heartbeat was refused' },
);

export const HeartbeatAccepted = Type.Object({ data: AcceptedHeartbeat }, { additionalProperties: false });

/**
 * heartbeats.bulk: one `[body, status]` pair per heartbeat, in order; the body is `{data}` (201) or
 * `{error}` / `{errors}` (400). (One object with optional members, not a union: fast-json-stringify
 * cannot serialize a union inside a tuple.)
 */
export const BulkHeartbeatAnswer = Type.Object(
  {
    responses: Type.Array(
      Type.Tuple([
        Type.Object(
          {
            data: Type.Optional(AcceptedHeartbeat),
            error: Type.Optional(Type.String()),
            errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
          },
          { additionalProperties: false, description: '{data} for an accepted heartbeat, {error} or {errors} for a refused one' },
        ),
        Type.Integer({ description: '201 accepted, 400 refused' }),
      ]),
    ),
  },
  { additionalProperties: false },
);
