/**
 * External durations (issue 12): activity an app reports as a span (a meeting, a calendar event)
 * rather than as heartbeats. Validation of one item of a POST (or of a bulk POST, per item), and
 * the stored row as time accounting sees it (domain/duration.ts ExternalSpan). Pure: no I/O.
 */
import type { FieldErrors } from './heartbeat.js';
import { defaultCategory, LIMITS, unstorableText } from './heartbeat.js';
import { MAX_EXTERNAL_SECONDS, type ExternalSpan } from './duration.js';

export const EXTERNAL_TYPES = ['file', 'app', 'domain'] as const;
/** Most external durations in one bulk POST (the reference's limit). */
export const MAX_BULK_EXTERNAL_DURATIONS = 1000;
/** The reference: `meta` is at most 2083 characters. */
export const MAX_META = 2083;
/** How far back an external duration may start: one year. */
export const EXTERNAL_MAX_AGE_SECONDS = 365 * 86400;
/** How far ahead an external duration may end (clock skew, a meeting in progress). */
export const EXTERNAL_FUTURE_SECONDS = 86400;

export interface ExternalDurationInput {
  external_id: string;
  entity: string;
  type: string;
  category: string;
  start_time: number;
  end_time: number;
  project: string | null;
  branch: string | null;
  language: string | null;
  meta: string | null;
  /** The `provider` the request named (API keys and sessions only; OAuth apps are their own name). */
  provider: string | null;
}

export type ExternalNormalizeResult = { ok: true; value: ExternalDurationInput } | { ok: false; errors: FieldErrors };

/**
 * Checks one external duration: the reference's fields, strings storable as text and of bounded
 * length, finite times with end after start, at most MAX_EXTERNAL_SECONDS long, starting no more
 * than a year ago and not before the account was created, ending at most a day ahead.
 */
export function normalizeExternalDuration(raw: unknown, ctx: { now: number; accountCreatedAt: number }): ExternalNormalizeResult {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => {
    (errors[field] ??= []).push(message);
    return null;
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: { body: ['Must be a JSON object.'] } };
  const r = raw as Record<string, unknown>;
  const text = (field: string, max: number, required: boolean): string | null => {
    const v = r[field];
    if (v === undefined || v === null || v === '') return required ? fail(field, 'Required.') : null;
    if (typeof v !== 'string') return fail(field, 'Must be a string.');
    if (v.length > max) return fail(field, `Must be at most ${max} characters.`);
    const bad = unstorableText(v);
    return bad ? fail(field, bad) : v;
  };
  const time = (field: string): number | null => {
    const v = r[field];
    if (v === undefined || v === null || v === '') return fail(field, 'Required.');
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) return fail(field, 'Must be a UNIX epoch timestamp (a finite number of seconds).');
    return n;
  };
  const externalId = text('external_id', LIMITS.text, true);
  const entity = text('entity', LIMITS.entity, true);
  const type = text('type', 16, true);
  if (type !== null && !(EXTERNAL_TYPES as readonly string[]).includes(type)) fail('type', `Must be one of ${EXTERNAL_TYPES.join(', ')}.`);
  const category = text('category', 64, false);
  const project = text('project', LIMITS.text, false);
  const branch = text('branch', LIMITS.text, false);
  const language = text('language', LIMITS.text, false);
  const meta = text('meta', MAX_META, false);
  const provider = text('provider', 255, false);
  const start = time('start_time');
  const end = time('end_time');
  if (start !== null && end !== null) {
    if (!(end > start)) fail('end_time', 'Must be after start_time.');
    else if (end - start > MAX_EXTERNAL_SECONDS) fail('end_time', `An external duration is at most ${MAX_EXTERNAL_SECONDS / 3600} hours long.`);
    if (start < ctx.now - EXTERNAL_MAX_AGE_SECONDS) fail('start_time', 'Must be within one year from today.');
    else if (start < Math.floor(ctx.accountCreatedAt)) fail('start_time', 'Must not be before the account was created.');
    if (end > ctx.now + EXTERNAL_FUTURE_SECONDS) fail('end_time', 'Must not be more than a day in the future.');
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      external_id: externalId!, entity: entity!, type: type!, category: category ?? defaultCategory(type!),
      start_time: start!, end_time: end!, project, branch, language, meta, provider,
    },
  };
}

/** A stored external duration as time accounting sees it: it has no editor, OS, machine or dependencies. */
export function externalSpan(row: { uuid: string; entity: string; type: string; category: string; start_time: number; end_time: number; project: string | null; branch: string | null; language: string | null }): ExternalSpan {
  return {
    id: row.uuid,
    start: Number(row.start_time),
    end: Number(row.end_time),
    activity: {
      time: Number(row.start_time), entity: row.entity, type: row.type, category: row.category, project: row.project, branch: row.branch,
      language: row.language, dependencies: [], editor: null, operating_system: null, machine: null, is_write: false,
    },
  };
}

/**
 * The UTC instants whose hours a change of the span [start, end) makes dirty for rollups (the
 * same marks ingest writes for heartbeats at those instants): its start (the mark's hour is then
 * recomputed from start − timeout, the heartbeats whose gap it clips) and each later hour it touches.
 */
export function dirtyInstants(start: number, end: number): number[] {
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return [];
  const stop = Math.min(end, start + MAX_EXTERNAL_SECONDS);
  const first = Math.floor(start / 3600);
  const count = Math.floor(stop / 3600) - first; // ≤ 25, fixed before the loop
  const out = [start];
  for (let k = 1; k <= count; k++) out.push((first + k) * 3600);
  return out;
}
