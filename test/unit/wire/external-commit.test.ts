/** Wire resources of issue 12: external durations and commits fit their schemas exactly. */
import { Ajv } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { CommitList, CommitResource, toCommitProject, toCommitResource } from '../../../src/wire/commit.js';
import { ExternalDurationResource, toExternalDurationResource } from '../../../src/wire/external-duration.js';

const ajv = new Ajv({ allErrors: true, strict: false });
function fits(schema: TSchema, value: unknown): void {
  const validate = ajv.compile(schema);
  validate(value);
  expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

describe('issue 12 wire resources', () => {
  it('external duration: the reference’s twelve fields', () => {
    const r = toExternalDurationResource({
      uuid: 'e-1', external_id: 'x', entity: 'Standup', type: 'app', provider: 'Calendar', category: 'meeting',
      start_time: 1_700_000_000, end_time: 1_700_000_900, project: null, branch: null, language: null, meta: 'zoom',
    });
    fits(ExternalDurationResource, r);
    expect(Object.keys(r)).toHaveLength(12);
  });

  it('commit and commit list: every field, texts and links derived', () => {
    const c = toCommitResource(
      {
        uuid: 'c-1', project: 'my project', branch: 'main', hash: 'abcdef0123456789abcdef0123456789abcdef01', message: 'm', html_url: null, created_at: 1_700_000_000,
        author_name: 'A', author_email: null, author_username: null, author_url: null, author_html_url: null, author_avatar_url: null, author_date: 1_700_000_000,
        committer_name: null, committer_email: null, committer_username: null, committer_url: null, committer_html_url: null, committer_avatar_url: null, committer_date: 1_700_000_001,
      },
      3723.456,
      'https://m.example/api/v1/users/u-1',
    );
    fits(CommitResource, c);
    expect(c).toMatchObject({
      truncated_hash: 'abcdef0', ref: 'refs/heads/main', total_seconds: 3723.46, human_readable_total: '1 hr 2 mins',
      human_readable_total_with_seconds: '1 hr 2 mins 3 secs', url: 'https://m.example/api/v1/users/u-1/projects/my%20project/commits/abcdef0123456789abcdef0123456789abcdef01',
      author_date: '2023-11-14T22:13:20Z',
    });
    fits(CommitList, {
      commits: [c], author: null, next_page: null, next_page_url: null, page: 1, prev_page: null, prev_page_url: null, branch: 'main',
      project: toCommitProject({ id: null, name: 'my project', repository: null }), status: 'ok', total: 1, total_pages: 1,
    });
  });
});
