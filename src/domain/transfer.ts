/**
 * Data transfer rules (data dumps, imports, relay): pure functions, no I/O.
 *
 * - a data dump's state as the reference words it (status text, is_stuck …) and its signed links;
 * - what a heartbeat from another server's export becomes before it goes through ingest (the
 *   server-assigned fields it carries are dropped, so importing the same heartbeat twice, from a
 *   file or from a server, hashes identically and is stored once);
 * - what a relayed heartbeat looks like on the wire, and the relay's backoff.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StoredHeartbeat } from './heartbeat.js';

// ---- data dumps --------------------------------------------------------------------------------

export const DUMP_TYPES = ['daily', 'heartbeats'] as const;
export type DumpType = (typeof DUMP_TYPES)[number];
export type DumpState = 'pending' | 'processing' | 'completed' | 'failed';

/** A finished dump can be downloaded this long. */
export const DUMP_TTL_SECONDS = 7 * 24 * 3600;
/** A dump whose job made no progress for this long is reported stuck (its job is retried). */
export const DUMP_STUCK_AFTER_SECONDS = 10 * 60;

/** The reference's status texts; a failed dump says so (has_failed tells clients the same). */
export function dumpStatusText(state: string): string {
  switch (state) {
    case 'pending':
      return 'Pending…';
    case 'processing':
      return 'Processing coding activity…';
    case 'completed':
      return 'Completed';
    default:
      return 'Failed';
  }
}

export function dumpIsStuck(d: { status: string; updated_at: number }, now: number): boolean {
  return (d.status === 'pending' || d.status === 'processing') && now - d.updated_at > DUMP_STUCK_AFTER_SECONDS;
}

/** The signature of a download link of dump `id` valid until `expires` (epoch seconds). */
export function signDownload(secret: string, id: string, expires: number): string {
  return createHmac('sha256', secret).update(`${id}.${expires}`).digest('base64url');
}

export function verifyDownload(secret: string, id: string, expires: number, signature: string, now: number): boolean {
  if (!Number.isSafeInteger(expires) || expires < now) return false;
  const want = Buffer.from(signDownload(secret, id, expires));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

// ---- imports -----------------------------------------------------------------------------------

/**
 * Fields a server's export carries that the server assigned (ids, its user, when it received the
 * heartbeat) or derived from the user agent: they are not part of the heartbeat and would make the
 * same heartbeat hash differently on every import.
 */
const SERVER_FIELDS = new Set([
  'id', 'user_id', 'user_agent_id', 'machine_name_id', 'created_at', 'modified_at', 'editor', 'operating_system', 'machine',
  'origin', 'origin_id', 'hash',
]);

export interface ImportableHeartbeat {
  /** What normalizeHeartbeat reads. */
  input: Record<string, unknown>;
  /** The machine name (our exports carry it; for others it comes from their machine_names). */
  machine: string | null;
}

/**
 * A heartbeat object of another server's export (a WakaTime dump, WakaTime / Wakapi / Metronome
 * `GET heartbeats`) as ingest takes it. `userAgents` / `machines`: the other server's ids → values
 * (from its user_agents and machine_names), used when the heartbeat carries only the ids.
 * Null when it is not an object.
 */
export function importableHeartbeat(raw: unknown, lookups: { userAgents?: Map<string, string>; machines?: Map<string, string> } = {}): ImportableHeartbeat | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const src = raw as Record<string, unknown>;
  const input: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k in src) if (!SERVER_FIELDS.has(k)) input[k] = src[k];
  if (typeof input.user_agent !== 'string' && typeof src.user_agent_id === 'string') {
    const ua = lookups.userAgents?.get(src.user_agent_id);
    if (ua) input.user_agent = ua;
  }
  // Wakapi's own field names
  if (input.user_agent === undefined && typeof src.user_agent === 'string') input.user_agent = src.user_agent;
  let machine: string | null = typeof src.machine === 'string' && src.machine !== '' ? src.machine : null;
  if (!machine && typeof src.machine_name_id === 'string') machine = lookups.machines?.get(src.machine_name_id) ?? null;
  // null counts as absent for the optional fields (as a plugin would send them)
  for (const k of ['lines', 'lineno', 'cursorpos', 'line_additions', 'line_deletions', 'project_root_count', 'ai_line_changes', 'human_line_changes']) {
    if (input[k] === null) delete input[k];
  }
  return { input, machine };
}

/** Skipped-heartbeat reasons are counted by a short text: the first field's message. */
export function skipReason(result: { error: string } | { errors: Record<string, unknown[]> }): string {
  if ('error' in result) return result.error;
  const [field, messages] = Object.entries(result.errors)[0] ?? ['heartbeat', ['invalid']];
  return `${field}: ${String(messages?.[0] ?? 'invalid')}`.slice(0, 200);
}

/** Most distinct reasons an import report keeps (the rest are counted under "other reasons"). */
export const MAX_SKIP_REASONS = 50;

export function countReason(reasons: Record<string, number>, reason: string, n = 1): void {
  const key = reason in reasons || Object.keys(reasons).length < MAX_SKIP_REASONS ? reason : 'other reasons';
  reasons[key] = (reasons[key] ?? 0) + n;
}

/**
 * A server's API base from what a user typed: `https://wakatime.com`, `…/api/v1`, Wakapi's
 * `…/api/compat/wakatime/v1`, with or without a trailing slash. Null when it is not an http(s) URL.
 */
export function apiBase(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  u.search = '';
  u.hash = '';
  let path = u.pathname.replace(/\/+$/, '');
  if (!/\/v1$/.test(path)) path += '/api/v1';
  u.pathname = path;
  return u.toString().replace(/\/+$/, '');
}

// ---- relay -------------------------------------------------------------------------------------

/** Seconds before the next delivery attempt after `failures` failed ones in a row: 2, 4, 8 … 1 h. */
export function relayBackoffSeconds(failures: number): number {
  return Math.min(3600, 2 ** Math.min(Math.max(failures, 1), 12));
}

/** A stored heartbeat as the relay sends it: what a plugin sent (unknown fields included). */
export type RelayedHeartbeatSource = Omit<StoredHeartbeat, 'hash' | 'editor' | 'operating_system' | 'machine' | 'created_at' | 'machine_uuid' | 'user_agent_uuid'>;

export function relayedHeartbeat(h: RelayedHeartbeatSource): Record<string, unknown> {
  const out: Record<string, unknown> = h.extra ? (JSON.parse(h.extra) as Record<string, unknown>) : {};
  out.time = h.time;
  out.entity = h.entity;
  out.type = h.type;
  out.category = h.category;
  out.is_write = h.is_write === 1;
  const optional = {
    project: h.project,
    project_root_count: h.project_root_count,
    branch: h.branch,
    language: h.language,
    lines: h.lines,
    line_additions: h.line_additions,
    line_deletions: h.line_deletions,
    lineno: h.lineno,
    cursorpos: h.cursorpos,
    ai_line_changes: h.ai_line_changes,
    human_line_changes: h.human_line_changes,
    user_agent: h.user_agent,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== null) out[k] = v;
  if (h.dependencies) out.dependencies = JSON.parse(h.dependencies) as string[];
  return out;
}

/** A key or URL shown to its owner: enough to recognize it, never the whole secret. */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
