/** The import resource (/api/v1/users/current/imports): progress and the report of what was skipped and why. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoOrNull } from '../domain/time.js';

export const Import = Type.Object(
  {
    id: Type.String({ description: 'public id (uuid)' }),
    type: Type.String({ description: "'file' (a WakaTime heartbeats data dump) or 'server' (another WakaTime-compatible server)" }),
    status: Type.String({ description: "'uploading' (waiting for the file), 'pending', 'running', 'completed', 'failed' or 'canceled'" }),
    source: Nullable(Type.String({ description: "the other server's API URL (never its key); null for uploaded files" })),
    method: Nullable(Type.String({ description: "server imports: 'days' (heartbeats day by day) or 'dump' (through its data dump)" })),
    start: Nullable(Type.String()),
    end: Nullable(Type.String()),
    is_processing: Type.Boolean(),
    percent_complete: Type.Number(),
    file_bytes: Type.Integer(),
    received: Type.Integer({ description: 'heartbeats read from the source' }),
    imported: Type.Integer({ description: 'heartbeats stored (or already there: importing twice adds nothing)' }),
    skipped: Type.Integer({ description: 'heartbeats not imported' }),
    skipped_reasons: Type.Record(Type.String(), Type.Integer(), { description: 'why, with how many each' }),
    error: Nullable(Type.String({ description: 'why the import failed (resume it with PATCH status=pending)' })),
    created_at: Nullable(Type.String()),
    updated_at: Nullable(Type.String()),
    finished_at: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type Import = Static<typeof Import>;

export const ImportList = Type.Object({ data: Type.Array(Import) }, { additionalProperties: false });
export const ImportEnvelope = Type.Object({ data: Import }, { additionalProperties: false });

export interface ImportSource {
  uuid: string;
  kind: string;
  status: string;
  source_url: string | null;
  method: string | null;
  start_date: string | null;
  end_date: string | null;
  file_bytes: number;
  done: number;
  total: number;
  received: number;
  imported: number;
  skipped: number;
  skipped_reasons: string;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

function reasons(text: string): Record<string, number> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function importResource(i: ImportSource): Import {
  const percent = i.status === 'completed' ? 100 : i.total > 0 ? Math.min(100, Math.round((10000 * i.done) / i.total) / 100) : 0;
  return {
    id: i.uuid,
    type: i.kind,
    status: i.status,
    source: i.source_url && !i.source_url.startsWith('file:') ? i.source_url : null,
    method: i.method,
    start: i.start_date,
    end: i.end_date,
    is_processing: i.status === 'pending' || i.status === 'running',
    percent_complete: percent,
    file_bytes: Number(i.file_bytes),
    received: Number(i.received),
    imported: Number(i.imported),
    skipped: Number(i.skipped),
    skipped_reasons: reasons(i.skipped_reasons),
    error: i.error,
    created_at: isoOrNull(i.created_at),
    updated_at: isoOrNull(i.updated_at),
    finished_at: isoOrNull(i.finished_at),
  };
}
