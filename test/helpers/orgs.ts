/** Shared setup of the org tests: an owner, an org, a dashboard, members with time today. */
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import type { TestContext } from './harness.js';
import { cliHeaders } from './fixtures.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export function api(t: TestContext) {
  return async (key: string, method: Method, url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: { ...t.auth(key), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, payload: payload as never });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

/** Heartbeats of one user today (UTC), `minutes` long, on `project` in `language`. */
export async function codeToday(t: TestContext, key: string, o: { project: string; language: string; minutes: number; offsetMinutes?: number }): Promise<void> {
  const base = DateTime.utc().startOf('day').plus({ minutes: 1 + (o.offsetMinutes ?? 0) }).toSeconds();
  const beats = [];
  for (let m = 0; m <= o.minutes; m++) beats.push({ entity: `/src/${o.project}/main.${o.language === 'Go' ? 'go' : 'ts'}`, type: 'file', time: base + m * 60, project: o.project, language: o.language, branch: 'main' });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/users/current/heartbeats.bulk', headers: { ...cliHeaders({ timezone: 'UTC' }), ...t.auth(key) }, payload: beats });
  expect(res.statusCode).toBe(201);
}

/**
 * owner (org owner) with org "Acme" and dashboard "Core"; alice (admin) and bob (member) on the
 * dashboard with time today (alice 30 min TypeScript on web, bob 20 min Go on api, sharing only
 * totals); viewer (org member, view-only on the dashboard); outsider (no org).
 */
export async function acme(t: TestContext) {
  const call = api(t);
  const owner = await t.createUser({ email: `${Math.random().toString(36).slice(2)}@owner.test` });
  const alice = await t.createUser();
  const bobEmail = `bob-${Math.random().toString(36).slice(2)}@example.com`;
  const bob = await t.createUser({ email: bobEmail });
  const viewer = await t.createUser();
  const outsider = await t.createUser();
  const org = await call(owner.apiKey, 'POST', '/users/current/orgs', { name: 'Acme', timezone: 'UTC' });
  expect(org.status).toBe(201);
  const orgId: string = org.body.data.id;
  const dash = await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/dashboards`, { name: 'Core', access: 'members' });
  expect(dash.status).toBe(201);
  const dashId: string = dash.body.data.id;

  // alice by username (as admin), bob by e-mail, viewer by the join link
  expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/invitations`, { username: alice.user.username, role: 'admin' })).status).toBe(201);
  expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/invitations`, { email: bobEmail.toUpperCase() })).status).toBe(201);
  for (const who of [alice, bob]) {
    const mine = await call(who.apiKey, 'GET', '/users/current/org_invitations');
    expect(mine.body.data).toHaveLength(1);
    const accepted = await call(who.apiKey, 'POST', `/users/current/org_invitations/${mine.body.data[0].id}/accept`);
    expect(accepted.status).toBe(200);
  }
  const link = await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/join_link`);
  expect(link.status).toBe(201);
  expect((await call(viewer.apiKey, 'POST', '/users/current/org_joins', { token: link.body.data.token })).status).toBe(201);

  for (const who of [alice, bob]) expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/dashboards/${dashId}/members`, { username: who.user.username })).status).toBe(201);
  expect((await call(owner.apiKey, 'POST', `/users/current/orgs/${orgId}/dashboards/${dashId}/members`, { username: viewer.user.username, is_view_only: true })).status).toBe(201);
  expect((await call(bob.apiKey, 'PATCH', `/users/current/orgs/${orgId}/dashboards/${dashId}/members/current`, { share: 'totals' })).status).toBe(200);

  await codeToday(t, alice.apiKey, { project: 'web', language: 'TypeScript', minutes: 30 });
  await codeToday(t, bob.apiKey, { project: 'api', language: 'Go', minutes: 20 });
  return { call, owner, alice, bob, viewer, outsider, orgId, dashId };
}
