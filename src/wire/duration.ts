/** Wire resource of GET durations: a duration, sliced by one key, and the day's list. */
import { Type, type Static } from '@sinclair/typebox';
import { isoUtc } from '../domain/calendar.js';
import type { Duration, SliceBy } from '../domain/duration.js';
import { Nullable } from './common.js';

const NullableString = Nullable(Type.String());

export const DurationResource = Type.Object(
  {
    time: Type.Number({ description: 'start, epoch seconds' }),
    duration: Type.Number({ description: 'seconds' }),
    project: NullableString,
    branch: NullableString,
    category: NullableString,
    language: NullableString,
    entity: Type.Optional(NullableString),
    dependencies: Type.Optional(Nullable(Type.Array(Type.String()))),
    os: Type.Optional(NullableString),
    editor: Type.Optional(NullableString),
    machine: Type.Optional(NullableString),
  },
  { description: 'Consecutive time on one project and one value of slice_by (the property named after it)' },
);
export type DurationResource = Static<typeof DurationResource>;

export const Durations = Type.Object({
  data: Type.Array(DurationResource),
  start: Type.String(),
  end: Type.String(),
  timezone: Type.String(),
});
export type Durations = Static<typeof Durations>;

function sliceField(d: Duration, by: SliceBy): Partial<DurationResource> {
  const h = d.first;
  switch (by) {
    case 'entity':
      return { entity: h.entity };
    case 'language':
      return { language: h.language };
    case 'dependencies':
      return { dependencies: h.dependencies };
    case 'os':
      return { os: h.operating_system };
    case 'editor':
      return { editor: h.editor };
    case 'category':
      return { category: h.category };
    case 'machine':
      return { machine: h.machine };
  }
}

export function durationsResource(i: { list: Duration[]; sliceBy: SliceBy; start: number; end: number; zone: string }): Durations {
  return {
    data: i.list.map((d) => ({
      ...sliceField(d, i.sliceBy),
      time: d.time,
      duration: Math.round(d.duration * 1000) / 1000,
      project: d.project,
      branch: d.first.branch,
      category: d.first.category,
      language: d.first.language,
    })),
    start: isoUtc(i.start),
    end: isoUtc(i.end - 1),
    timezone: i.zone,
  };
}
