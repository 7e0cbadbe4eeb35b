/** The program language resource (`GET /program_languages`, paginated): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import type { ProgramLanguage } from '../domain/catalog.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const ProgramLanguageResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this language (GitHub linguist language_id)' }),
    name: Type.String({ description: 'human readable name of this language' }),
    color: Str('hex color code, used when displaying this language on charts'),
    is_verified: Type.Boolean({ description: 'whether this language is verified, by GitHub’s linguist or manually by admins' }),
    created_at: Str('time when this language was created in ISO 8601 format'),
    modified_at: Str('time when this language was last modified in ISO 8601 format'),
  },
  { additionalProperties: false },
);
export type ProgramLanguageResource = Static<typeof ProgramLanguageResource>;

export const ProgramLanguagePage = Type.Object(
  {
    data: Type.Array(ProgramLanguageResource),
    total: Type.Integer({ description: 'number of program languages' }),
    total_pages: Type.Integer({ description: 'number of pages' }),
    page: Type.Integer(),
    per_page: Type.Integer(),
  },
  { additionalProperties: false },
);
export type ProgramLanguagePage = Static<typeof ProgramLanguagePage>;

export function toProgramLanguageResource(l: ProgramLanguage): ProgramLanguageResource {
  return { id: l.id, name: l.name, color: l.color, is_verified: l.is_verified, created_at: l.created_at, modified_at: l.modified_at };
}
