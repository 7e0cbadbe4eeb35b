/** The editor resource (`GET /editors`): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import type { EditorEntry } from '../domain/catalog.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const EditorResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this editor plugin' }),
    name: Type.String({ description: 'display name of the editor' }),
    color: Str('hex color code used when displaying the editor on charts'),
    website: Str('official website of the editor'),
    repository: Str('GitHub repository of the editor’s plugin'),
    version: Str('most recent plugin version available for this editor (null: not known offline)'),
    version_url: Str('remote file containing this editor’s most recent version'),
    history_url: Str('changelog file'),
    released: Type.Boolean({ description: 'whether this IDE has a WakaTime plugin available' }),
    hidden: Type.Boolean({ description: 'whether this IDE has been deprecated or archived, ex: Atom' }),
  },
  { additionalProperties: false },
);
export type EditorResource = Static<typeof EditorResource>;

export const EditorList = Type.Object({ data: Type.Array(EditorResource) }, { additionalProperties: false });

export function toEditorResource(e: EditorEntry): EditorResource {
  return {
    id: e.id,
    name: e.name,
    color: e.color,
    website: e.website,
    repository: e.repository,
    version: e.version,
    version_url: e.version_url,
    history_url: e.history_url,
    released: e.released,
    hidden: e.hidden,
  };
}
