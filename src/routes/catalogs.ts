/** Catalogs: GET /editors, GET /program_languages, GET /meta. Public: no credentials needed. */
import { Type } from '@sinclair/typebox';
import { EDITORS, filterByName, listEditors, loadProgramLanguages, metaFromEnv, paginate } from '../domain/catalog.js';
import { HttpError } from '../http/errors.js';
import { BooleanQuery, booleanParam, ErrorBody } from '../http/schemas.js';
import type { RouteFamily } from './types.js';

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

const Editor = Type.Object({
  id: Type.String({ description: 'unique id of this editor plugin' }),
  name: Type.String({ description: 'display name of the editor' }),
  color: NullableString('hex color code used when displaying the editor on charts'),
  website: NullableString('official website of the editor'),
  repository: NullableString('GitHub repository of the editor’s plugin'),
  version: NullableString('most recent plugin version available for this editor (null: not known offline)'),
  version_url: NullableString('remote file containing this editor’s most recent version'),
  history_url: NullableString('changelog file'),
  released: Type.Boolean({ description: 'whether this IDE has a WakaTime plugin available' }),
  hidden: Type.Boolean({ description: 'whether this IDE has been deprecated or archived, ex: Atom' }),
});

const ProgramLanguage = Type.Object({
  id: Type.String({ description: 'unique id of this language (GitHub linguist language_id)' }),
  name: Type.String({ description: 'human readable name of this language' }),
  color: NullableString('hex color code, used when displaying this language on charts'),
  is_verified: Type.Boolean({ description: 'whether this language is verified, by GitHub’s linguist or manually by admins' }),
  created_at: NullableString('time when this language was created in ISO 8601 format'),
  modified_at: NullableString('time when this language was last modified in ISO 8601 format'),
});

const Meta = Type.Object({
  ip_descriptions: Type.Object({ api: Type.String(), website: Type.String(), worker: Type.String() }, { description: 'explanation of each ip category' }),
  ips: Type.Object({
    api: Type.Array(Type.String(), { description: 'ip addresses used by the api servers' }),
    website: Type.Array(Type.String(), { description: 'ip addresses used by the website servers' }),
    worker: Type.Array(Type.String(), { description: 'ip addresses used by background worker servers' }),
  }),
  last_modified_at: NullableString('last time an IP was added, removed or modified, ISO 8601'),
});

/** A whole-number query parameter within [min, max]; empty or absent is undefined. */
export function intParam(raw: string | undefined, field: string, min: number, max: number): number | undefined {
  const v = (raw ?? '').trim();
  if (v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new HttpError(400, `must be a whole number from ${min} to ${max}`, field);
  return n;
}

const IntString = (description: string) => Type.String({ maxLength: 12, description });

export const catalogRoutes: RouteFamily = async (app, { config }) => {
  // read and validated once, at start: a bad META_* value stops the server with a clear message
  const meta = metaFromEnv(config.env);

  app.get(
    '/api/v1/editors',
    {
      schema: {
        summary: 'WakaTime IDE plugins, their latest versions and chart colours',
        tags: ['catalogs'],
        security: [],
        querystring: Type.Object({
          unreleased: Type.Optional(BooleanQuery('include unreleased plugins')),
        }),
        response: { 200: Type.Object({ data: Type.Array(Editor) }), 400: ErrorBody },
      },
    },
    async (request) => {
      return { data: listEditors(EDITORS, { unreleased: booleanParam(request.query.unreleased, 'unreleased') ?? false }) };
    },
  );

  app.get(
    '/api/v1/program_languages',
    {
      schema: {
        summary: 'All verified program languages (GitHub linguist)',
        tags: ['catalogs'],
        security: [],
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'only languages whose name contains this (case-insensitive)' })),
          page: Type.Optional(IntString('page number, from 1 (default 1)')),
          per_page: Type.Optional(IntString('languages per page, 1 to 10000; all on one page when omitted')),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(ProgramLanguage),
            total: Type.Integer({ description: 'number of program languages' }),
            total_pages: Type.Integer({ description: 'number of pages' }),
            page: Type.Integer(),
            per_page: Type.Integer(),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const page = intParam(request.query.page, 'page', 1, 100_000) ?? 1;
      const perPage = intParam(request.query.per_page, 'per_page', 1, 10_000);
      const languages = await loadProgramLanguages();
      return paginate(filterByName(languages, request.query.q), page, perPage);
    },
  );

  app.get(
    '/api/v1/meta',
    {
      schema: {
        summary: 'Information about this instance, such as the public IP addresses of its servers',
        tags: ['catalogs'],
        security: [],
        response: { 200: Type.Object({ data: Meta }) },
      },
    },
    async () => ({ data: meta }),
  );
};
