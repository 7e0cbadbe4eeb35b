/**
 * Organizations and team dashboards (issue 11), under /api/v1/users/:user/… where `:user` is the
 * requester (`current`, their username or id): reads need `read_orgs`, changes `write_orgs`.
 *
 * Reads of the reference: `orgs`, `orgs/:org` (wakatime-client's dashboards list), `orgs/:org/dashboards`,
 * `…/dashboards/:dashboard/members`, `…/members/:member/summaries` and `…/durations`; the older
 * `teams` routes (a team is a dashboard). Writes follow one convention: POST on the collection
 * creates (201 `{data}`), PATCH on the item edits (200 `{data}`), DELETE removes (204).
 * Rules: domain/orgs.ts; work: services/orgs.ts; time through services/stats.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { canSee, type Visibility } from '../domain/access.js';
import { localDate } from '../domain/calendar.js';
import { ForbiddenError, ValidationError } from '../domain/errors.js';
import { DASHBOARD_ACCESS, isRequestKind, ORG_ROLES, REQUEST_KINDS, SHARES } from '../domain/orgs.js';
import { daysBetweenInclusive, summaryRange, SUMMARY_RANGES } from '../domain/ranges.js';
import { FILTER_DIMENSION, FILTERS } from '../domain/stats-query.js';
import { userSettings } from '../domain/user.js';
import type { RouteAuth } from '../http/auth.js';
import { FilterQuerystring, parseFilters, requireDate, SummaryRangeQuerystring } from '../http/time-params.js';
import type { UserRow } from '../storage/users.js';
import { Durations, durationsResource } from '../wire/duration.js';
import {
  DashboardBody,
  DashboardMemberBody,
  DashboardMemberPage,
  dashboardMemberResource,
  DashboardPage,
  DashboardRequestBody,
  DashboardRequestPage,
  dashboardRequestResource,
  dashboardResource,
  InvitationBody,
  InvitationPage,
  invitationResource,
  JoinLink,
  MemberSummaries,
  OrgBody,
  OrgMemberBody,
  OrgMemberPage,
  orgMemberResource,
  OrgPage,
  orgPageOf,
  orgResource,
  TeamSummary,
  teamSummaryResource,
} from '../wire/org.js';
import type { RouteFamily } from './types.js';

const tags = ['orgs'];
const read: RouteAuth = { subject: 'user', scope: 'read_orgs' };
const write: RouteAuth = { subject: 'user', scope: 'write_orgs' };
const MAX_DAYS = 366 * 2;
/** Members per page of `…/members` (the reference paginates). */
const MEMBERS_PER_PAGE = 100;
const ORGS_PER_PAGE = 100;

const Handle = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });
const U = '/api/v1/users/:user';
const UserP = { user: Handle('`current` (or your own username or id)') };
const OrgP = Type.Object({ ...UserP, org: Handle('org id, or its name') });
const DashP = Type.Object({ ...UserP, org: Handle('org id, or its name'), dashboard: Handle('dashboard id, or its name') });
const MemberP = Type.Object({ ...UserP, org: Handle('org id, or its name'), dashboard: Handle('dashboard id, or its name'), member: Handle('member: user id or username') });
const PageQ = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) });
const NoContent = { 204: Type.Null({ description: 'done' }) };
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Zone = Type.String({ maxLength: 64, description: 'IANA time zone' });

const OrgSettings = {
  timezone: Type.Optional(Zone),
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 240, description: 'keystroke timeout, minutes' })),
  writes_only: Type.Optional(Type.Boolean()),
  is_duration_visible: Type.Optional(Type.Boolean({ description: "whether members may see each other's durations" })),
};

const SummariesQuery = Type.Object({
  ...SummaryRangeQuerystring,
  ...FilterQuerystring,
});

/** The requester (`:user` resolved by config.auth.subject to themself). */
function me(request: FastifyRequest): UserRow {
  return request.subject!.user;
}

/** A filter on what the viewer may not see of a member: 403 naming it. */
function requireFilters(query: Record<string, unknown>, v: Visibility): void {
  for (const f of FILTERS) {
    if (query[f] === undefined || query[f] === '') continue;
    if (!canSee(v, FILTER_DIMENSION[f])) throw new ForbiddenError(`Forbidden: this member shares only totals; filtering by ${f} is not allowed.`, f);
  }
}

/** start/end or range in `zone`; neither: today (wakatime-client sends no dates). */
function dateRange(q: { start?: string; end?: string; range?: string }, zone: string, now: number): { first: string; last: string; name: string | null } {
  if (q.range) {
    const r = summaryRange(q.range, zone, now);
    if (!r) throw new ValidationError('range', `Unknown range: use one of ${SUMMARY_RANGES.join(', ')}.`);
    return { first: r.first, last: r.last, name: r.name };
  }
  if (!q.start && !q.end) {
    const today = localDate(zone, now);
    return { first: today, last: today, name: 'Today' };
  }
  if (!q.start) throw new ValidationError('start', 'This field is required with end (or give range).');
  if (!q.end) throw new ValidationError('end', 'This field is required with start (or give range).');
  const first = requireDate(q.start, zone, 'start', now);
  const last = requireDate(q.end, zone, 'end', now);
  if (last < first) throw new ValidationError('end', 'Must not be before start.');
  if (daysBetweenInclusive(first, last) > MAX_DAYS) throw new ValidationError('end', `At most ${MAX_DAYS} days per request.`);
  return { first, last, name: null };
}

export const orgRoutes: RouteFamily = async (app, { services, config }) => {
  const orgs = services.orgs;
  const page = (p: number | undefined) => p ?? 1;

  // ── orgs ──────────────────────────────────────────────────────────────────────────────────
  app.get(`${U}/orgs`, { config: { auth: read }, schema: { summary: "List the user's organizations", tags, params: Type.Object(UserP), querystring: PageQ, response: { 200: OrgPage } } }, async (request) => {
    const list = (await orgs.list(me(request))).map(orgResource);
    return orgPageOf(list, page(request.query.page), ORGS_PER_PAGE);
  });

  app.post(
    `${U}/orgs`,
    { config: { auth: write }, schema: { summary: 'Create an organization (you are its owner)', tags, params: Type.Object(UserP), body: Type.Object({ name: Name, ...OrgSettings }), response: { 201: OrgBody } } },
    async (request, reply) => reply.code(201).send({ data: orgResource(await orgs.create(me(request), request.body)) }),
  );

  // wakatime-client's getOrganizationDashboards calls the org's own URL: its dashboards
  const listDashboards = async (request: FastifyRequest<{ Params: { org: string }; Querystring: { page?: number } }>) => {
    const list = (await orgs.dashboards(me(request), request.params.org)).map(dashboardResource);
    return orgPageOf(list, page(request.query.page), ORGS_PER_PAGE);
  };
  app.get(`${U}/orgs/:org`, { config: { auth: read }, schema: { summary: "The organization's dashboards (the URL wakatime-client calls)", tags, params: OrgP, querystring: PageQ, response: { 200: DashboardPage } } }, listDashboards);

  app.patch(
    `${U}/orgs/:org`,
    {
      config: { auth: write },
      schema: {
        summary: "Edit an organization's settings (admins), or transfer it (owner: `owner`)",
        tags,
        params: OrgP,
        body: Type.Object({ name: Type.Optional(Name), ...OrgSettings, owner: Type.Optional(Handle('username or id of the new owner (a member)')) }),
        response: { 200: OrgBody },
      },
    },
    async (request) => ({ data: orgResource(await orgs.update(me(request), request.params.org, request.body)) }),
  );

  app.delete(`${U}/orgs/:org`, { config: { auth: write }, schema: { summary: 'Delete an organization (owner)', tags, params: OrgP, response: NoContent } }, async (request, reply) => {
    await orgs.remove(me(request), request.params.org);
    return reply.code(204).send(null);
  });

  // ── org members ───────────────────────────────────────────────────────────────────────────
  app.get(`${U}/orgs/:org/members`, { config: { auth: read }, schema: { summary: "An organization's members and their roles", tags, params: OrgP, querystring: PageQ, response: { 200: OrgMemberPage } } }, async (request) => {
    const { rows, showEmail } = await orgs.members(me(request), request.params.org);
    return orgPageOf(rows.map((r) => orgMemberResource(r, showEmail(r.id))), page(request.query.page), MEMBERS_PER_PAGE);
  });

  const OrgMemberP = Type.Object({ ...UserP, org: Handle('org id, or its name'), member: Handle('user id, username, or `current`') });
  app.patch(
    `${U}/orgs/:org/members/:member`,
    { config: { auth: write }, schema: { summary: "Change a member's role (owner)", tags, params: OrgMemberP, body: Type.Object({ role: Type.String({ enum: ORG_ROLES.filter((r) => r !== 'owner') }) }), response: { 200: OrgMemberBody } } },
    async (request) => {
      const row = await orgs.setRole(me(request), request.params.org, request.params.member, request.body.role);
      return { data: orgMemberResource(row, true) };
    },
  );

  app.delete(`${U}/orgs/:org/members/:member`, { config: { auth: write }, schema: { summary: 'Remove a member (admins), or leave (`current`)', tags, params: OrgMemberP, response: NoContent } }, async (request, reply) => {
    await orgs.removeMember(me(request), request.params.org, request.params.member);
    return reply.code(204).send(null);
  });

  // ── invitations and the join link ─────────────────────────────────────────────────────────
  app.get(`${U}/orgs/:org/invitations`, { config: { auth: read }, schema: { summary: "An organization's pending invitations (admins)", tags, params: OrgP, querystring: PageQ, response: { 200: InvitationPage } } }, async (request) => {
    const list = (await orgs.invitations(me(request), request.params.org)).map(invitationResource);
    return orgPageOf(list, page(request.query.page), MEMBERS_PER_PAGE);
  });

  app.post(
    `${U}/orgs/:org/invitations`,
    {
      config: { auth: write },
      schema: {
        summary: 'Invite someone by username or e-mail (admins; admins only by the owner)',
        tags,
        params: OrgP,
        body: Type.Object({ username: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })), role: Type.Optional(Type.String({ enum: ['admin', 'member'] })) }),
        response: { 201: InvitationBody },
      },
    },
    async (request, reply) => reply.code(201).send({ data: invitationResource(await orgs.invite(me(request), request.params.org, request.body)) }),
  );

  const InvitationP = Type.Object({ ...UserP, org: Handle('org id, or its name'), invitation: Handle('invitation id') });
  app.delete(`${U}/orgs/:org/invitations/:invitation`, { config: { auth: write }, schema: { summary: 'Revoke an invitation (admins)', tags, params: InvitationP, response: NoContent } }, async (request, reply) => {
    await orgs.revokeInvitation(me(request), request.params.org, request.params.invitation);
    return reply.code(204).send(null);
  });

  app.get(`${U}/org_invitations`, { config: { auth: read }, schema: { summary: 'Invitations addressed to you (by username or e-mail)', tags, params: Type.Object(UserP), querystring: PageQ, response: { 200: InvitationPage } } }, async (request) => {
    const list = (await orgs.myInvitations(me(request))).map(invitationResource);
    return orgPageOf(list, page(request.query.page), MEMBERS_PER_PAGE);
  });

  const MyInvitationP = Type.Object({ ...UserP, invitation: Handle('invitation id') });
  app.post(`${U}/org_invitations/:invitation/accept`, { config: { auth: write }, schema: { summary: 'Accept an invitation: join the organization', tags, params: MyInvitationP, response: { 200: OrgBody } } }, async (request) => ({
    data: orgResource(await orgs.accept(me(request), request.params.invitation)),
  }));

  app.delete(`${U}/org_invitations/:invitation`, { config: { auth: write }, schema: { summary: 'Decline an invitation', tags, params: MyInvitationP, response: NoContent } }, async (request, reply) => {
    await orgs.decline(me(request), request.params.invitation);
    return reply.code(204).send(null);
  });

  app.post(`${U}/orgs/:org/join_link`, { config: { auth: write }, schema: { summary: 'Make a new join link (admins; replaces the old one; shown once)', tags, params: OrgP, response: { 201: JoinLink } } }, async (request, reply) => {
    const token = await orgs.createJoinLink(me(request), request.params.org);
    return reply.code(201).send({ data: { token, url: `${config.baseUrl.replace(/\/$/, '')}/orgs/join?token=${encodeURIComponent(token)}` } });
  });

  app.delete(`${U}/orgs/:org/join_link`, { config: { auth: write }, schema: { summary: 'Remove the join link (admins)', tags, params: OrgP, response: NoContent } }, async (request, reply) => {
    await orgs.deleteJoinLink(me(request), request.params.org);
    return reply.code(204).send(null);
  });

  app.post(
    `${U}/org_joins`,
    { config: { auth: write }, schema: { summary: 'Join an organization with its join link token', tags, params: Type.Object(UserP), body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }), response: { 201: OrgBody } } },
    async (request, reply) => reply.code(201).send({ data: orgResource(await orgs.join(me(request), request.body.token)) }),
  );

  // ── dashboards ────────────────────────────────────────────────────────────────────────────
  app.get(`${U}/orgs/:org/dashboards`, { config: { auth: read }, schema: { summary: "List the organization's dashboards", tags, params: OrgP, querystring: PageQ, response: { 200: DashboardPage } } }, listDashboards);

  const DashboardBodyIn = { timezone: Type.Optional(Type.Union([Zone, Type.Null()])), access: Type.Optional(Type.String({ enum: [...DASHBOARD_ACCESS] })) };
  app.post(
    `${U}/orgs/:org/dashboards`,
    { config: { auth: write }, schema: { summary: 'Create a dashboard (admins)', tags, params: OrgP, body: Type.Object({ name: Name, ...DashboardBodyIn }), response: { 201: DashboardBody } } },
    async (request, reply) => reply.code(201).send({ data: dashboardResource(await orgs.createDashboard(me(request), request.params.org, request.body)) }),
  );

  app.get(`${U}/orgs/:org/dashboards/:dashboard`, { config: { auth: read }, schema: { summary: 'A dashboard', tags, params: DashP, response: { 200: DashboardBody } } }, async (request) => ({
    data: dashboardResource((await orgs.dashboard(me(request), request.params.org, request.params.dashboard)).input),
  }));

  app.patch(
    `${U}/orgs/:org/dashboards/:dashboard`,
    { config: { auth: write }, schema: { summary: 'Edit a dashboard (admins)', tags, params: DashP, body: Type.Object({ name: Type.Optional(Name), ...DashboardBodyIn }), response: { 200: DashboardBody } } },
    async (request) => ({ data: dashboardResource(await orgs.updateDashboard(me(request), request.params.org, request.params.dashboard, request.body)) }),
  );

  app.delete(`${U}/orgs/:org/dashboards/:dashboard`, { config: { auth: write }, schema: { summary: 'Delete a dashboard (admins)', tags, params: DashP, response: NoContent } }, async (request, reply) => {
    await orgs.deleteDashboard(me(request), request.params.org, request.params.dashboard);
    return reply.code(204).send(null);
  });

  // ── dashboard members ─────────────────────────────────────────────────────────────────────
  const listMembers = async (user: UserRow, org: string, dashboard: string, p: number) => {
    const { rows, total, showEmail } = await orgs.dashboardMembers(user, org, dashboard, { offset: (p - 1) * MEMBERS_PER_PAGE, limit: MEMBERS_PER_PAGE });
    return orgPageOf(rows.map((r) => dashboardMemberResource(r, showEmail(r.id))), p, MEMBERS_PER_PAGE, total, true);
  };
  app.get(`${U}/orgs/:org/dashboards/:dashboard/members`, { config: { auth: read }, schema: { summary: "A dashboard's members", tags, params: DashP, querystring: PageQ, response: { 200: DashboardMemberPage } } }, async (request) =>
    listMembers(me(request), request.params.org, request.params.dashboard, page(request.query.page)),
  );

  app.post(
    `${U}/orgs/:org/dashboards/:dashboard/members`,
    {
      config: { auth: write },
      schema: { summary: 'Add an org member to a dashboard (admins)', tags, params: DashP, body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }), is_view_only: Type.Optional(Type.Boolean()) }), response: { 201: DashboardMemberBody } },
    },
    async (request, reply) => reply.code(201).send({ data: dashboardMemberResource(await orgs.addDashboardMember(me(request), request.params.org, request.params.dashboard, request.body), true) }),
  );

  app.patch(
    `${U}/orgs/:org/dashboards/:dashboard/members/:member`,
    {
      config: { auth: write },
      schema: {
        summary: 'Change what you share (share: everything or totals), or who is view-only (admins)',
        tags,
        params: MemberP,
        body: Type.Object({ share: Type.Optional(Type.String({ enum: [...SHARES] })), is_view_only: Type.Optional(Type.Boolean()) }),
        response: { 200: DashboardMemberBody },
      },
    },
    async (request) => ({ data: dashboardMemberResource(await orgs.updateDashboardMember(me(request), request.params.org, request.params.dashboard, request.params.member, request.body), true) }),
  );

  app.delete(`${U}/orgs/:org/dashboards/:dashboard/members/:member`, { config: { auth: write }, schema: { summary: 'Remove a dashboard member (admins), or leave it (`current`)', tags, params: MemberP, response: NoContent } }, async (request, reply) => {
    await orgs.removeDashboardMember(me(request), request.params.org, request.params.dashboard, request.params.member);
    return reply.code(204).send(null);
  });

  // ── requests to view or join ──────────────────────────────────────────────────────────────
  app.get(`${U}/orgs/:org/dashboards/:dashboard/requests`, { config: { auth: read }, schema: { summary: 'Pending requests (admins: all; others: their own)', tags, params: DashP, querystring: PageQ, response: { 200: DashboardRequestPage } } }, async (request) => {
    const list = (await orgs.requests(me(request), request.params.org, request.params.dashboard)).map(dashboardRequestResource);
    return orgPageOf(list, page(request.query.page), MEMBERS_PER_PAGE);
  });

  app.post(
    `${U}/orgs/:org/dashboards/:dashboard/requests`,
    { config: { auth: write }, schema: { summary: 'Request to view or to join a dashboard', tags, params: DashP, body: Type.Object({ kind: Type.String({ enum: [...REQUEST_KINDS] }) }), response: { 201: DashboardRequestBody } } },
    async (request, reply) => {
      const kind = request.body.kind;
      if (!isRequestKind(kind)) throw new ValidationError('kind', 'Must be view or join.');
      return reply.code(201).send({ data: dashboardRequestResource(await orgs.requestAccess(me(request), request.params.org, request.params.dashboard, kind)) });
    },
  );

  const RequestP = Type.Object({ ...UserP, org: Handle('org id, or its name'), dashboard: Handle('dashboard id, or its name'), request: Handle('request id') });
  app.post(`${U}/orgs/:org/dashboards/:dashboard/requests/:request/approve`, { config: { auth: write }, schema: { summary: 'Approve a request (admins)', tags, params: RequestP, response: { 200: DashboardMemberBody } } }, async (request) => ({
    data: dashboardMemberResource(await orgs.approveRequest(me(request), request.params.org, request.params.dashboard, request.params.request), true),
  }));

  app.delete(`${U}/orgs/:org/dashboards/:dashboard/requests/:request`, { config: { auth: write }, schema: { summary: 'Deny a request (admins) or withdraw your own', tags, params: RequestP, response: NoContent } }, async (request, reply) => {
    await orgs.deleteRequest(me(request), request.params.org, request.params.dashboard, request.params.request);
    return reply.code(204).send(null);
  });

  // ── time ──────────────────────────────────────────────────────────────────────────────────
  type SummariesQ = { start?: string; end?: string; range?: string; project?: string; branches?: string; language?: string; editor?: string; operating_system?: string; machine?: string; category?: string };
  const memberSummaries = async (user: UserRow, org: string, dashboard: string, memberHandle: string, q: SummariesQ) => {
    const m = await orgs.memberView(user, org, dashboard, memberHandle);
    requireFilters(q, m.visibility);
    const filters = parseFilters(q);
    const settings = userSettings(m.member);
    const now = services.stats.now();
    const { first, last } = dateRange(q, settings.zone, now);
    const { json, upToDate } = await services.summaries.summaries(
      { user: m.member, viewer: m.viewer, filters, settings, first, last, now },
      { default_personal_privacy: m.share === 'everything' ? 'visible' : 'hidden' },
    );
    return { status: (upToDate ? 200 : 202) as 200 | 202, json };
  };

  app.get(
    `${U}/orgs/:org/dashboards/:dashboard/members/:member/summaries`,
    {
      config: { auth: read },
      schema: { summary: "A dashboard member's summaries (their days; without dates: today)", tags, params: MemberP, querystring: SummariesQuery, response: { 200: MemberSummaries, 202: MemberSummaries } },
    },
    async (request, reply) => {
      const { status, json } = await memberSummaries(me(request), request.params.org, request.params.dashboard, request.params.member, request.query);
      // JSON of the MemberSummaries resource (services/summaries.ts), as one Buffer like GET summaries
      return reply
        .code(status)
        .type('application/json; charset=utf-8')
        .send(Buffer.from(json) as unknown as Static<typeof MemberSummaries>);
    },
  );

  app.get(
    `${U}/orgs/:org/dashboards/:dashboard/members/:member/durations`,
    {
      config: { auth: read },
      schema: {
        summary: "A dashboard member's durations of one day (without date: today)",
        tags,
        params: MemberP,
        querystring: Type.Object({ date: Type.Optional(Type.String({ maxLength: 64 })), ...FilterQuerystring }),
        response: { 200: Durations },
      },
    },
    async (request) => {
      const m = await orgs.memberView(me(request), request.params.org, request.params.dashboard, request.params.member);
      if (!m.mayReadDurations) throw new ForbiddenError("Forbidden: this organization does not show members' durations to each other.", 'member');
      if (!canSee(m.visibility, 'projects')) throw new ForbiddenError('Forbidden: this member shares only totals.', 'member');
      requireFilters(request.query, m.visibility);
      const settings = userSettings(m.member);
      const now = services.stats.now();
      const date = request.query.date ? requireDate(request.query.date, settings.zone, 'date', now) : localDate(settings.zone, now);
      const { list, start, end } = await services.stats.durations(m.member, { date, zone: settings.zone, settings, filters: parseFilters(request.query), sliceBy: 'language', visibility: m.visibility });
      return durationsResource({ list, sliceBy: 'language', start, end, zone: settings.zone });
    },
  );

  app.get(
    `${U}/orgs/:org/dashboards/:dashboard/summary`,
    {
      config: { auth: read },
      schema: {
        summary: "The team's time over a range: total, per member and day, projects and languages (each member as they share)",
        tags,
        params: DashP,
        querystring: Type.Object({ ...SummaryRangeQuerystring }),
        response: { 200: TeamSummary, 202: TeamSummary },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const now = services.stats.now();
      const summary = await orgs.teamSummary(me(request), request.params.org, request.params.dashboard, (zone) => dateRange(q.start || q.end || q.range ? q : { range: 'Last 7 Days' }, zone, now));
      return reply.code(summary.upToDate ? 200 : 202).send(teamSummaryResource(summary));
    },
  );

  // ── the older `teams` routes wakatime-client still calls: a team is a dashboard ───────────
  app.get(`${U}/teams`, { config: { auth: read }, schema: { summary: 'Dashboards you may view, as teams (older API)', tags, params: Type.Object(UserP), querystring: PageQ, response: { 200: DashboardPage } } }, async (request) => {
    const list = (await orgs.teams(me(request))).map(dashboardResource);
    return orgPageOf(list, page(request.query.page), ORGS_PER_PAGE);
  });

  const TeamP = Type.Object({ ...UserP, team: Handle('team (dashboard) id') });
  app.get(`${U}/teams/:team/members`, { config: { auth: read }, schema: { summary: "A team's (dashboard's) members (older API)", tags, params: TeamP, querystring: PageQ, response: { 200: DashboardMemberPage } } }, async (request) => {
    const org = await orgs.teamOrg(me(request), request.params.team);
    return listMembers(me(request), org, request.params.team, page(request.query.page));
  });

  const TeamMemberP = Type.Object({ ...UserP, team: Handle('team (dashboard) id'), member: Handle('member: user id or username') });
  app.get(
    `${U}/teams/:team/members/:member/summaries`,
    { config: { auth: read }, schema: { summary: "A team member's summaries (older API; without dates: today)", tags, params: TeamMemberP, querystring: SummariesQuery, response: { 200: MemberSummaries, 202: MemberSummaries } } },
    async (request, reply) => {
      const org = await orgs.teamOrg(me(request), request.params.team);
      const { status, json } = await memberSummaries(me(request), org, request.params.team, request.params.member, request.query);
      return reply.code(status).type('application/json; charset=utf-8').send(Buffer.from(json) as unknown as Static<typeof MemberSummaries>);
    },
  );
};
