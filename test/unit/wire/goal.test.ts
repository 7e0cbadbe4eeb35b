/** The goal resource: its mapping fits the schema exactly (a field the schema lacks would vanish). */
import { Ajv } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import { goalProgress, goalTitle, type GoalRules } from '../../../src/domain/goal.js';
import { GoalEnvelope, GoalList, goalResource, GoalResource, type GoalViewInput } from '../../../src/wire/goal.js';

const ajv = new Ajv({ allErrors: true, strict: false });
function fits(schema: TSchema, value: unknown): void {
  const validate = ajv.compile(schema);
  validate(value);
  expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

const now = Date.UTC(2024, 2, 5, 12) / 1000;
const rules: GoalRules = { seconds: 3600, delta: 'day', improveByPercent: 10, isInverse: false, ignoreDays: ['sunday'], ignoreZeroDays: true, languages: ['Go'], projects: [], editors: ['Vim'], categories: ['coding'], createdAt: now - 86400 * 3 };
const person = { uuid: 'u-1', username: 'ada', email: 'ada@example.com', full_name: 'Ada', photo: 'https://x/p.png', photo_public: 0, is_email_public: 0, public_email: null };
const view = (viewerId: number, withProgress: boolean): GoalViewInput => ({
  goal: { uuid: 'g-1', user_id: 1, seconds: 3600, is_enabled: 1, custom_title: null, created_at: now - 86400 * 3, modified_at: null },
  rules,
  title: goalTitle(rules),
  owner: { ...person, id: 1 },
  viewerId,
  progress: withProgress ? goalProgress(rules, 'UTC', now, () => 1800) : null,
  cachedAt: withProgress ? now : null,
  shares: [{ user_id: 2, email: null, username: 'bob', status: 'accepted', person: { ...person, uuid: 'u-2', username: 'bob', email: 'bob@example.com' } }, { user_id: null, email: 'x@example.com', username: null, status: 'pending', person: null }],
  subscribers: [{ user_id: 1, email_frequency: 'daily', person: { ...person, id: 1 } }],
  mine: { snooze_until: now + 60 },
  now,
});

it('goal: owner and sharee views, computed or not, fit the schema exactly', () => {
  for (const [viewerId, withProgress] of [[1, true], [2, true], [1, false]] as const) {
    const r = goalResource(view(viewerId, withProgress));
    fits(GoalResource, r);
    expect(Object.keys(r).sort()).toEqual(Object.keys(GoalResource.properties).sort());
  }
  const own = goalResource(view(1, true));
  expect(own).toMatchObject({ title: 'Code 1 hr per day doing coding in Go using Vim', is_current_user_owner: true, is_snoozed: true, status: 'pending', owner: { email: 'ada@example.com', photo: 'https://x/p.png' } });
  expect(own.shared_with[1]!.email).toBe('x@example.com');
  expect(own.chart_data).toHaveLength(7);
  const theirs = goalResource(view(2, true));
  expect(theirs).toMatchObject({ is_current_user_owner: false, owner: { email: null, photo: null } });
  expect(theirs.shared_with[1]!.email).toBeNull();
  expect(theirs.subscribers[0]!.email).toBeNull();
  fits(GoalEnvelope, { data: { chart_data: [] } });
  fits(GoalEnvelope, { cached_at: '2024-03-05T12:00:00Z', data: own });
  fits(GoalList, { data: [own], total: 1, total_pages: 1 });
});
