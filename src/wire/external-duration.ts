/** Wire resource of external durations (issue 12): the reference's fields, and the day's list. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';

const NullableString = Nullable(Type.String());

export const ExternalDurationResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this external duration' }),
    external_id: Type.String({ description: 'unique identifier for this duration on the external provider' }),
    entity: Type.String(),
    type: Type.String({ description: 'file, app or domain' }),
    provider: Type.String({ description: 'external app which created this activity' }),
    category: Type.String(),
    start_time: Type.Number({ description: 'UNIX epoch timestamp' }),
    end_time: Type.Number({ description: 'UNIX epoch timestamp' }),
    project: NullableString,
    branch: NullableString,
    language: NullableString,
    meta: NullableString,
  },
  { additionalProperties: false },
);
export type ExternalDurationResource = Static<typeof ExternalDurationResource>;

export const ExternalDurationDay = Type.Object({
  data: Type.Array(ExternalDurationResource),
  start: Type.String({ description: 'start of the day, ISO 8601 UTC' }),
  end: Type.String({ description: 'end of the day, ISO 8601 UTC' }),
  timezone: Type.String(),
});

export const ExternalDurationCreated = Type.Object({ data: ExternalDurationResource });

/** The bulk answer: one [body, status] per item, in request order (like heartbeats.bulk). */
export const ExternalDurationBulkAnswer = Type.Object({
  responses: Type.Array(
    Type.Tuple([
      Type.Object(
        {
          data: Type.Optional(ExternalDurationResource),
          errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
        },
        { additionalProperties: false, description: '{data} for a stored external duration, {errors} (by field) for a refused one' },
      ),
      Type.Integer({ description: '201 stored, 400 refused' }),
    ]),
  ),
});

export function toExternalDurationResource(row: {
  uuid: string; external_id: string; entity: string; type: string; provider: string; category: string; start_time: number; end_time: number;
  project: string | null; branch: string | null; language: string | null; meta: string | null;
}): ExternalDurationResource {
  return {
    id: row.uuid, external_id: row.external_id, entity: row.entity, type: row.type, provider: row.provider, category: row.category,
    start_time: Number(row.start_time), end_time: Number(row.end_time), project: row.project, branch: row.branch, language: row.language, meta: row.meta,
  };
}
