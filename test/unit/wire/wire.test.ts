/**
 * Wire resources: each mapping function's output fits its schema exactly (a response schema drops
 * the fields it does not list, so a field missing from a schema would vanish from the answer), and
 * test/integration/wire-docs.test.ts checks the routes document them in /api/docs.
 */
import { Ajv } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { EDITORS, metaFromEnv, programLanguagesFrom } from '../../../src/domain/catalog.js';
import { toEditorResource, EditorResource } from '../../../src/wire/editor.js';
import { HeartbeatResource, toHeartbeatResource, type StoredHeartbeat } from '../../../src/wire/heartbeat.js';
import { MachineNameResource, toMachineNameResource } from '../../../src/wire/machine-name.js';
import { MetaResource, toMetaResource } from '../../../src/wire/meta.js';
import { ProgramLanguageResource, toProgramLanguageResource } from '../../../src/wire/program-language.js';
import { ProjectResource, toProjectResource } from '../../../src/wire/project.js';
import { toUserAgentResource, UserAgentResource } from '../../../src/wire/user-agent.js';
import { toUserResource, UserResource } from '../../../src/wire/user.js';
import type { User } from '../../../src/domain/user.js';
import { DataDump, dataDumpResource } from '../../../src/wire/data-dump.js';
import { Import, importResource } from '../../../src/wire/import.js';
import { RelayTarget, relayTargetResource } from '../../../src/wire/relay.js';

// Ajv, as Fastify compiles schemas (it knows OpenAPI's `nullable`); every object schema is strict
const ajv = new Ajv({ allErrors: true, strict: false });
function fits(schema: TSchema, value: unknown): void {
  const validate = ajv.compile(schema);
  validate(value);
  expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

const user: User = {
  id: 1, uuid: 'u-1', username: 'ada', email: 'ada@example.com', full_name: 'Ada L', photo: 'https://x/p.png', website: 'https://ada.dev/',
  github_username: 'ada', twitter_username: null, linkedin_username: null, wonderfuldev_username: null,
  city_country_code: 'GB', city_name: 'London', city_state: null, public_email: null,
  is_email_public: 0, is_email_confirmed: 1, photo_public: 1, is_hireable: 0, logged_time_public: 1, languages_used_public: 0,
  editors_used_public: 0, categories_used_public: 0, os_used_public: 0, timezone: 'Europe/London', keystroke_timeout: 15, writes_only: 0,
  profile_range: 'last_7_days', last_heartbeat_at: 1_700_000_000, last_plugin: 'wakatime/1', last_plugin_name: 'Vim', last_project: 'p',
  last_branch: 'main', created_at: 1_600_000_000, modified_at: null,
};

describe('wire resources', () => {
  it('user: the owner view and the public view fit the schema, owner-only fields absent from the public one', () => {
    const own = toUserResource(user, { isOwner: true, withPrivateEmail: true });
    fits(UserResource, own);
    expect(own).toMatchObject({ timezone: 'Europe/London', timeout: 15, writes_only: false, email: 'ada@example.com', plan: null });
    const pub = toUserResource(user, { isOwner: false, withPrivateEmail: false });
    fits(UserResource, pub);
    expect(pub).not.toHaveProperty('timezone');
    expect(pub.email).toBeNull();
    // every schema property is produced for the owner: nothing documented is missing
    expect(Object.keys(own).sort()).toEqual(Object.keys(UserResource.properties).sort());
  });

  it('heartbeat: known fields fit, unknown ones are kept verbatim', () => {
    const row: StoredHeartbeat = {
      hash: 12345, entity: 'a.ts', type: 'file', category: 'coding', time: 1_700_000_000.25, project: 'p', project_root_count: 3, branch: null,
      language: 'TypeScript', dependencies: '["x"]', lines: 10, line_additions: null, line_deletions: null, lineno: 1, cursorpos: 2, is_write: 1,
      ai_line_changes: -3, human_line_changes: null, editor: 'Vim', operating_system: 'Linux', machine: 'desk',
      extra: '{"ai_input_tokens":12,"some_future_field":{"nested":true}}', created_at: 1_700_000_001, machine_uuid: 'm-1', user_agent_uuid: null, user_agent: null,
    };
    const h = toHeartbeatResource(row, 'u-1');
    fits(HeartbeatResource, h);
    expect(h).toMatchObject({ ai_input_tokens: 12, some_future_field: { nested: true }, is_write: true, dependencies: ['x'] });
    expect(Object.keys(HeartbeatResource.properties).every((k) => k in h)).toBe(true);
  });

  it('projects, machines, user agents and the catalogs fit their schemas', () => {
    const project = toProjectResource({ uuid: 'p-1', name: 'a b', repository: null, badge: null, color: null, first_heartbeat_at: 1_700_000_000, last_heartbeat_at: 1_700_000_100, created_at: 1_700_000_000 }, 1_700_003_700);
    fits(ProjectResource, project);
    expect(project).toMatchObject({ urlencoded_name: 'a%20b', human_readable_last_heartbeat_at: '1 hour ago', clients: [] });
    fits(MachineNameResource, toMachineNameResource({ uuid: 'm', value: 'desk', ip: null, timezone: null, first_seen_at: 1, last_seen_at: 2 }));
    fits(UserAgentResource, toUserAgentResource({ uuid: 'a', value: 'wakatime/1', editor: null, version: null, os: null, is_browser_extension: 0, is_desktop_app: 1, first_seen_at: 1, last_seen_at: 2 }));
    for (const e of EDITORS) fits(EditorResource, toEditorResource(e));
    for (const l of programLanguagesFrom([{ name: 'Go', type: 'programming', color: '#00ADD8', languageId: 132 }])) fits(ProgramLanguageResource, toProgramLanguageResource(l));
    fits(MetaResource, toMetaResource(metaFromEnv({ META_API_IPS: '10.0.0.1' })));
  });

  it('data transfer: a data dump, an import and a relay target fit their schemas', () => {
    const dump = { uuid: 'd', type: 'heartbeats', status: 'processing', percent: 42.5, created_at: 1, updated_at: 2, expires_at: null };
    fits(DataDump, dataDumpResource(dump, null, 3));
    fits(DataDump, dataDumpResource({ ...dump, status: 'completed', percent: 100, expires_at: 9 }, 'https://x/download', 3));
    const imp = {
      uuid: 'i', kind: 'server', status: 'running', source_url: 'https://w/api/v1', method: 'days', start_date: null, end_date: '2024-01-01', file_bytes: 0,
      done: 3, total: 4, received: 10, imported: 9, skipped: 1, skipped_reasons: '{"time: bad": 1}', error: null, created_at: 1, updated_at: 2, finished_at: null,
    };
    fits(Import, importResource(imp));
    expect(importResource({ ...imp, kind: 'file', source_url: 'file:/home/ada/dump.json' }).source).toBeNull();
    const target = { uuid: 't', name: 'w', url: 'https://w/api/v1', api_key: 'waka_0123456789', enabled: 1, pending: 3, delivered: 5, failures: 1, last_error: 'down', last_success_at: null, next_attempt_at: 10, created_at: 1 };
    fits(RelayTarget, relayTargetResource(target));
    expect(JSON.stringify(relayTargetResource(target))).not.toContain('waka_0123456789');
  });
});
