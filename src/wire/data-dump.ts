/** The data dump resource (GET/POST /api/v1/users/current/data_dumps), as the reference lists it. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoUtc } from '../domain/calendar.js';
import { dumpIsStuck, dumpStatusText } from '../domain/transfer.js';

export const DataDump = Type.Object(
  {
    id: Type.String({ description: 'unique id of this data export' }),
    status: Type.String({ description: "one of 'Pending…', 'Processing coding activity…', 'Uploading…', 'Completed' (or 'Failed')" }),
    percent_complete: Type.Number({ description: 'percent of code stats that have been exported' }),
    download_url: Nullable(Type.String({ description: 'when completed, the url to download this data export (signed, valid until expires)' })),
    type: Type.String({ description: "either 'heartbeats' or 'daily'" }),
    is_processing: Type.Boolean({ description: 'whether this data export is currently processing in the background' }),
    is_stuck: Type.Boolean({ description: 'whether this data export is taking too long, probably due to an error' }),
    has_failed: Type.Boolean({ description: 'whether this data export failed to complete due to an error' }),
    expires: Nullable(Type.String({ description: 'datetime when this data export can no longer be downloaded (null until completed)' })),
    created_at: Type.String({ description: 'datetime when this data export was requested' }),
  },
  { additionalProperties: false },
);
export type DataDump = Static<typeof DataDump>;

export const DataDumpList = Type.Object({ data: Type.Array(DataDump) }, { additionalProperties: false });
export const DataDumpCreated = Type.Object({ data: DataDump }, { additionalProperties: false });

export interface DataDumpSource {
  uuid: string;
  type: string;
  status: string;
  percent: number;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
}

export function dataDumpResource(d: DataDumpSource, downloadUrl: string | null, now: number): DataDump {
  return {
    id: d.uuid,
    status: dumpStatusText(d.status),
    percent_complete: d.percent,
    download_url: downloadUrl,
    type: d.type,
    is_processing: d.status === 'pending' || d.status === 'processing',
    is_stuck: dumpIsStuck(d, now),
    has_failed: d.status === 'failed',
    expires: d.expires_at === null ? null : isoUtc(d.expires_at),
    created_at: isoUtc(d.created_at),
  };
}
