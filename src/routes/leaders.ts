/**
 * Public leaders (`GET /leaders`), private leaderboards (`users/:user/leaderboards`, `…/:board`,
 * members, join) and aggregate stats (`GET /stats/:range`). Everything is read from what the
 * leaders job stored (services/leaders.ts).
 */
import { Type } from '@sinclair/typebox';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { BooleanQuery, booleanParam, ErrorBody, UserParams } from '../http/schemas.js';
import { BOARD_RANGES, BOARD_SEATS, countryCode, LEADERS_RANGE } from '../domain/leaders.js';
import { EDITORS } from '../domain/catalog.js';
import { loadProgramLanguages } from '../domain/catalog.js';
import {
  AggregateStats,
  aggregateResource,
  BoardLeadersResponse,
  boardMember,
  BoardMemberEnvelope,
  BoardMemberList,
  currentUser,
  LeaderboardEnvelope,
  LeaderboardList,
  leaderboardResource,
  leaderEntry,
  leaderRange,
  LeadersResponse,
} from '../wire/leaders.js';
import type { RouteFamily } from './types.js';

const tags = ['leaderboards'];
const read: RouteAuth = { scope: 'read_private_leaderboards' };
const write: RouteAuth = { scope: 'write_private_leaderboards' };

const Page = Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'page number; defaults to the page holding the signed-in user, else 1' }));
const LanguageQuery = Type.Optional(Type.String({ maxLength: 200, description: 'only leaders who coded in this language, ranked by its time (case-insensitive)' }));
const CountryQuery = Type.Optional(Type.String({ maxLength: 16, description: 'two-letter country code of the users’ city' }));
const BoardParams = Type.Object({ user: UserParams.properties.user, board: Type.String({ minLength: 1, maxLength: 64, description: 'id of the leaderboard' }) });
const OwnBoardParams = Type.Object({ board: Type.String({ minLength: 1, maxLength: 64, description: 'id of the leaderboard' }) });
const BoardName = Type.String({ minLength: 1, maxLength: 100, description: 'display name' });
const BoardRange = Type.Union(
  BOARD_RANGES.map((r) => Type.Literal(r)),
  { description: 'time range of the leaderboard' },
);

/** The filters every leaderboard read takes; empty values are no filter. */
function filtersOf(q: { language?: string; country_code?: string }): { language?: string; countryCode?: string } {
  const out: { language?: string; countryCode?: string } = {};
  const language = q.language?.trim();
  if (language) out.language = language.toLowerCase();
  if (q.country_code !== undefined && q.country_code.trim() !== '') {
    const code = countryCode(q.country_code);
    if (!code) throw new HttpError(400, 'country_code must be a two-letter country code (US, DE …).', 'country_code');
    out.countryCode = code;
  }
  return out;
}

const KNOWN_OS = new Set(['Linux', 'Mac', 'Windows', 'FreeBSD', 'OpenBSD', 'NetBSD', 'Android', 'iOS', 'ChromeOS', 'WSL']);
const KNOWN_CATEGORIES = new Set([
  'coding',
  'building',
  'indexing',
  'debugging',
  'browsing',
  'running tests',
  'writing tests',
  'manual testing',
  'writing docs',
  'code reviewing',
  'communicating',
  'researching',
  'learning',
  'designing',
  'ai coding',
  'planning',
  'meeting',
  'supporting',
  'advising',
  'translating',
]);

export const leaderRoutes: RouteFamily = async (app, { services, config }) => {
  const leaders = services.leaders;
  const editorNames = new Set(EDITORS.map((e) => e.name));

  app.get(
    '/api/v1/leaders',
    {
      config: { auth: { optional: true } },
      schema: {
        summary: 'Public leaders: users ranked by coding time over the last 7 days from yesterday',
        description:
          'Only users whose coding time is public (logged_time_public) and who have a time zone; languages only with languages_used_public. Timeout 15, all heartbeats, excluding language Other. Recomputed at least hourly and after a user changes their settings.',
        tags,
        security: [],
        querystring: Type.Object({
          language: LanguageQuery,
          is_hireable: Type.Optional(BooleanQuery('only leaders with (true) or without (false) the hireable badge')),
          country_code: CountryQuery,
          page: Page,
        }),
        response: { 200: LeadersResponse, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      const filters = { ...filtersOf(q), ...(q.is_hireable !== undefined && q.is_hireable.trim() !== '' ? { hireable: booleanParam(q.is_hireable, 'is_hireable') } : {}) };
      const viewer = request.viewer?.user ?? null;
      const page = await leaders.leaders(viewer, filters, q.page);
      const dates = page.run ?? leaders.rangeDates(LEADERS_RANGE);
      return {
        current_user: currentUser(page.current),
        data: page.entries.map(leaderEntry),
        page: page.page,
        total_pages: page.totalPages,
        range: leaderRange(LEADERS_RANGE, dates),
        language: q.language?.trim() || null,
        is_hireable: filters.hireable ?? null,
        country_code: filters.countryCode ?? null,
        modified_at: page.run ? new Date(page.run.computedAt * 1000).toISOString() : null,
        timeout: 15,
        writes_only: false,
      };
    },
  );

  app.get(
    '/api/v1/users/:user/leaderboards',
    {
      config: { auth: { ...read, subject: 'user' } },
      schema: { summary: "The user's private leaderboards (joined, owned, and invitations)", tags, params: UserParams, response: { 200: LeaderboardList, '4xx': ErrorBody } },
    },
    async (request) => {
      const boards = await leaders.listBoards(request.subject!.user.id);
      return { data: boards.map((b) => leaderboardResource(b, BOARD_SEATS, config.baseUrl)), total: boards.length, total_pages: 1 };
    },
  );

  app.post(
    '/api/v1/users/current/leaderboards',
    {
      config: { auth: write },
      schema: {
        summary: 'Create a private leaderboard (you are its owner)',
        tags,
        body: Type.Object({ name: BoardName, time_range: Type.Optional(BoardRange) }, { additionalProperties: false }),
        response: { 201: LeaderboardEnvelope, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const board = await leaders.createBoard(viewerOf(request).user, request.body);
      return reply.code(201).send({ data: leaderboardResource(board, BOARD_SEATS, config.baseUrl) });
    },
  );

  app.post(
    '/api/v1/users/current/leaderboards/join',
    {
      config: { auth: write },
      schema: {
        summary: "Join a private leaderboard with its join link's code, or accept an invitation (board id)",
        tags,
        body: Type.Object(
          {
            code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the code at the end of the join link' })),
            board: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'id of a leaderboard you were invited to' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: LeaderboardEnvelope, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const board = await leaders.join(viewerOf(request).user, request.body);
      return { data: leaderboardResource(board, BOARD_SEATS, config.baseUrl) };
    },
  );

  app.get(
    '/api/v1/users/:user/leaderboards/:board',
    {
      config: { auth: { ...read, subject: 'user' } },
      schema: {
        summary: 'Members of a private leaderboard ranked by coding time over its range',
        description: 'Members without a time zone are hidden. Timeout 15, all heartbeats, excluding language Other.',
        tags,
        params: BoardParams,
        querystring: Type.Object({ language: LanguageQuery, country_code: CountryQuery, page: Page }),
        response: { 200: BoardLeadersResponse, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      const filters = filtersOf(q);
      const user = request.subject!.user;
      const page = await leaders.boardLeaders(user, request.params.board, filters, q.page);
      const range = page.board.time_range;
      return {
        current_user: currentUser(page.current),
        data: page.entries.map((e) => ({ ...leaderEntry(e), page: page.current?.page ?? null })),
        language: q.language?.trim() || null,
        country_code: filters.countryCode ?? null,
        modified_at: new Date(page.board.modified_at * 1000).toISOString(),
        computed_at: page.run ? new Date(page.run.computedAt * 1000).toISOString() : null,
        page: page.page,
        total_pages: page.totalPages,
        range: leaderRange(range, page.run ?? leaders.rangeDates(range)),
        timeout: 15,
        writes_only: false,
      };
    },
  );

  app.patch(
    '/api/v1/users/current/leaderboards/:board',
    {
      config: { auth: write },
      schema: {
        summary: 'Rename a private leaderboard, change its time range, or reset its join link (owner)',
        tags,
        params: OwnBoardParams,
        body: Type.Object(
          { name: Type.Optional(BoardName), time_range: Type.Optional(BoardRange), reset_join_code: Type.Optional(Type.Boolean({ description: 'true: the old join link stops working' })) },
          { additionalProperties: false },
        ),
        response: { 200: LeaderboardEnvelope, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const board = await leaders.updateBoard(viewerOf(request).user, request.params.board, request.body);
      return { data: leaderboardResource(board, BOARD_SEATS, config.baseUrl) };
    },
  );

  app.delete(
    '/api/v1/users/current/leaderboards/:board',
    { config: { auth: write }, schema: { summary: 'Delete a private leaderboard (owner)', tags, params: OwnBoardParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    async (request, reply) => {
      await leaders.deleteBoard(viewerOf(request).user, request.params.board);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users/current/leaderboards/:board/members',
    {
      config: { auth: read },
      schema: { summary: 'Members of a private leaderboard (and, for its owner, the invitations)', tags, params: OwnBoardParams, response: { 200: BoardMemberList, '4xx': ErrorBody } },
    },
    async (request) => {
      const { members } = await leaders.members(viewerOf(request).user, request.params.board);
      return { data: members.map(boardMember), total: members.length };
    },
  );

  app.post(
    '/api/v1/users/current/leaderboards/:board/members',
    {
      config: { auth: write },
      schema: {
        summary: 'Invite a user by username to a private leaderboard (owner); they join when they accept',
        tags,
        params: OwnBoardParams,
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 320, description: 'username (or id) of the user to invite' }) }, { additionalProperties: false }),
        response: { 201: BoardMemberEnvelope, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const member = await leaders.invite(viewerOf(request).user, request.params.board, request.body.username);
      return reply.code(201).send({ data: boardMember(member) });
    },
  );

  app.delete(
    '/api/v1/users/current/leaderboards/:board/members/:member',
    {
      config: { auth: write },
      schema: {
        summary: 'Remove a member (owner), or leave a leaderboard / decline an invitation (member: current or your username)',
        tags,
        params: Type.Object({ board: OwnBoardParams.properties.board, member: Type.String({ minLength: 1, maxLength: 320, description: 'current, a username or a user id' }) }),
        response: { 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      await leaders.removeMember(viewerOf(request).user, request.params.board, request.params.member);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/stats/:range',
    {
      schema: {
        summary: 'Aggregate stats over every user who makes their coding time public',
        description:
          'Ranges: last_7_days, last_30_days, last_6_months, last_year, or a past year (YYYY). Public settings (timeout 15, all heartbeats). Computed in the background: a range asked for the first time answers 202 with is_up_to_date false until it is ready.',
        tags: ['stats'],
        security: [],
        params: Type.Object({ range: Type.String({ minLength: 1, maxLength: 32, description: 'last_7_days, last_30_days, last_6_months, last_year or YYYY' }) }),
        response: { 200: AggregateStats, 202: AggregateStats, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const answer = await leaders.aggregateFor(request.params.range);
      const languages = new Set((await loadProgramLanguages()).map((l) => l.name));
      const verified = (dim: string, name: string) =>
        dim === 'languages' ? languages.has(name) : dim === 'editors' ? editorNames.has(name) : dim === 'operating_systems' ? KNOWN_OS.has(name) : KNOWN_CATEGORIES.has(name);
      const range = request.params.range.trim().toLowerCase();
      if (answer.row === null) {
        return reply
          .code(202)
          .send(aggregateResource({ data: null, range, human: answer.human, first: answer.first, last: answer.last, upToDate: false, computedAt: null, verified }));
      }
      const body = aggregateResource({
        data: answer.data,
        range,
        human: answer.human,
        first: answer.row.first_date,
        last: answer.row.last_date,
        upToDate: !!answer.row.is_up_to_date,
        computedAt: answer.row.computed_at,
        verified,
      });
      return reply.code(200).send(body);
    },
  );
};
