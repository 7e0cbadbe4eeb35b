/** Catalogs: GET /editors, GET /program_languages, GET /meta. Public: no credentials needed. */
import { Type } from '@sinclair/typebox';
import { EDITORS, filterByName, listEditors, loadProgramLanguages, metaFromEnv, paginate } from '../domain/catalog.js';
import { HttpError } from '../http/errors.js';
import { BooleanQuery, booleanParam, ErrorBody } from '../http/schemas.js';
import { EditorList, toEditorResource } from '../wire/editor.js';
import { MetaEnvelope, toMetaResource } from '../wire/meta.js';
import { ProgramLanguagePage, toProgramLanguageResource } from '../wire/program-language.js';
import type { RouteFamily } from './types.js';

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
  const meta = toMetaResource(metaFromEnv(config.env));

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
        response: { 200: EditorList, 400: ErrorBody },
      },
    },
    async (request) => {
      return { data: listEditors(EDITORS, { unreleased: booleanParam(request.query.unreleased, 'unreleased') ?? false }).map(toEditorResource) };
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
          200: ProgramLanguagePage,
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const page = intParam(request.query.page, 'page', 1, 100_000) ?? 1;
      const perPage = intParam(request.query.per_page, 'per_page', 1, 10_000);
      const languages = await loadProgramLanguages();
      const result = paginate(filterByName(languages, request.query.q), page, perPage);
      return { ...result, data: result.data.map(toProgramLanguageResource) };
    },
  );

  app.get(
    '/api/v1/meta',
    {
      schema: {
        summary: 'Information about this instance, such as the public IP addresses of its servers',
        tags: ['catalogs'],
        security: [],
        response: { 200: MetaEnvelope },
      },
    },
    async () => ({ data: meta }),
  );
};
