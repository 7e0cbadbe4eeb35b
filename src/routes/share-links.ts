/**
 * Share links: the owner's badges and embeds (list, create — the token shown once —, revoke), and
 * what a link shows, to anyone holding it: an SVG picture (README images) or its JSON. Answers
 * are cacheable for 5 minutes (a revoked link may show that long in caches such as GitHub's
 * camo); unknown or revoked links are a 404 that is never cached.
 */
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SHARE_KINDS, SHARE_RANGES } from '../domain/share-link.js';
import { viewerOf, type RouteAuth } from '../http/auth.js';
import { ErrorBody } from '../http/schemas.js';
import { shareSvg } from '../services/share-links.js';
import { ShareData, ShareLinkCreated, ShareLinkList, shareLinkResource, shareUrls } from '../wire/share-link.js';
import type { RouteFamily } from './types.js';

const tags = ['share links'];
const auth: RouteAuth = { owner: 'manage share links' };
const MAX_AGE = 300;
const TokenParams = Type.Object({ token: Type.String({ maxLength: 128, description: 'the share link token' }) });

/** README-friendly caching: shared caches may keep it 5 minutes; an unchanged answer is a 304. */
function cached(request: FastifyRequest, reply: FastifyReply, body: string, upToDate: boolean): boolean {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply
    .header('cache-control', upToDate ? `public, max-age=${MAX_AGE}, s-maxage=${MAX_AGE}, stale-while-revalidate=60` : 'public, max-age=30')
    .header('etag', etag)
    .header('access-control-allow-origin', '*')
    .header('x-content-type-options', 'nosniff');
  const inm = request.headers['if-none-match'];
  return typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag);
}

export const shareLinkRoutes: RouteFamily = async (app, { services, config }) => {
  app.get(
    '/api/v1/users/current/share_links',
    { config: { auth }, schema: { summary: 'List your badge and embed share links', tags, response: { 200: ShareLinkList } } },
    async (request) => {
      const { user } = viewerOf(request);
      return { data: (await services.shareLinks.list(user.id)).map(shareLinkResource) };
    },
  );

  app.post(
    '/api/v1/users/current/share_links',
    {
      config: { auth },
      schema: {
        summary: 'Create a share link to a badge or an embeddable chart (the token is shown once)',
        tags,
        body: Type.Object({
          kind: Type.String({ maxLength: 32, description: SHARE_KINDS.join(', ') }),
          range: Type.String({ maxLength: 32, description: SHARE_RANGES.join(', ') }),
          project: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'badges only: one project' })),
          label: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: "the badge's left text (default wakatime)" })),
        }),
        response: { 201: ShareLinkCreated, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const { user } = viewerOf(request);
      const { row, token } = await services.shareLinks.create(user.id, request.body);
      return reply.code(201).send({ data: { ...shareLinkResource(row), token, ...shareUrls(config.baseUrl, token) } });
    },
  );

  app.delete(
    '/api/v1/users/current/share_links/:id',
    {
      config: { auth },
      schema: { summary: 'Revoke a share link: its badge or chart stops working', tags, params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Type.Object({ data: Type.Object({}, { additionalProperties: false }) }), '4xx': ErrorBody } },
    },
    async (request) => {
      const { user } = viewerOf(request);
      await services.shareLinks.revoke(user.id, request.params.id);
      return { data: {} };
    },
  );

  /** What the link `token` shows; an unknown or revoked link's 404 is never cached. */
  const linkData = async (token: string, reply: FastifyReply) => {
    try {
      return await services.shareLinks.data(token);
    } catch (err) {
      reply.header('cache-control', 'no-store');
      throw err;
    }
  };

  app.get(
    '/api/v1/share/:token/image.svg',
    {
      schema: {
        summary: 'The picture of a share link (image/svg+xml): a badge or a chart, for README images',
        tags,
        security: [],
        params: TokenParams,
        response: { 200: Type.String({ description: 'an SVG document (image/svg+xml)' }), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const data = await linkData(request.params.token, reply);
      const svg = shareSvg(data.data);
      const fresh = cached(request, reply, svg, data.data.is_up_to_date);
      // an SVG opened directly must not run anything
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      if (fresh) return reply.code(304).send(undefined as never);
      return reply.type('image/svg+xml; charset=utf-8').send(svg);
    },
  );

  app.get(
    '/api/v1/share/:token/data.json',
    { schema: { summary: 'The data of a share link as JSON (for embeds)', tags, security: [], params: TokenParams, response: { 200: ShareData, '4xx': ErrorBody } } },
    async (request, reply) => {
      const data = await linkData(request.params.token, reply);
      if (cached(request, reply, JSON.stringify(data), data.data.is_up_to_date)) return reply.code(304).send(undefined as never);
      return data;
    },
  );
};
