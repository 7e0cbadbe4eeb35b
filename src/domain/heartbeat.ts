/**
 * Heartbeats: the source of truth. Everything else (durations, rollups, summaries,
 * stats, goals, leaderboards) is derived from these and can be rebuilt.
 *
 * Pure module: no I/O.
 */
import { hash as digestOf } from 'node:crypto';

/** A heartbeat after normalization: what storage keeps and what time accounting reads. */
export interface Heartbeat {
  /** UNIX epoch seconds, fractions allowed (ms timestamps are repaired on input). */
  time: number;
  entity: string;
  /** file | app | domain, or whatever newer string a plugin sent (stored, never refused). */
  type: string;
  /** coding, debugging, "ai coding", …; defaults by type when missing or null. */
  category: string;
  project: string | null;
  project_root_count: number | null;
  branch: string | null;
  language: string | null;
  dependencies: string[];
  lines: number | null;
  line_additions: number | null;
  line_deletions: number | null;
  lineno: number | null;
  cursorpos: number | null;
  is_write: boolean;
  ai_line_changes: number | null;
  human_line_changes: number | null;
  /** The raw user agent (heartbeat's own `user_agent`, else the request's User-Agent). */
  user_agent: string | null;
  /** Parsed from the user agent. */
  editor: string | null;
  operating_system: string | null;
  plugin: string | null;
  /** From the X-Machine-Name header. */
  machine: string | null;
  /** Fields we do not know (yet): stored verbatim so a newer plugin never loses data. */
  extra: Record<string, unknown> | null;
}

/** What time accounting needs of a heartbeat (a subset of Heartbeat). */
export type ActivityHeartbeat = Pick<
  Heartbeat,
  | 'time'
  | 'entity'
  | 'type'
  | 'category'
  | 'project'
  | 'branch'
  | 'language'
  | 'dependencies'
  | 'editor'
  | 'operating_system'
  | 'machine'
  | 'is_write'
>;

/**
 * A heartbeat as storage keeps it (JSON columns as text, is_write 0/1) with the public ids of its
 * machine and user agent: what `GET heartbeats`, data dumps and the relay read back.
 */
export interface StoredHeartbeat {
  hash: number;
  entity: string;
  type: string;
  category: string;
  time: number;
  project: string | null;
  project_root_count: number | null;
  branch: string | null;
  language: string | null;
  /** JSON array of strings. */
  dependencies: string | null;
  lines: number | null;
  line_additions: number | null;
  line_deletions: number | null;
  lineno: number | null;
  cursorpos: number | null;
  is_write: number;
  ai_line_changes: number | null;
  human_line_changes: number | null;
  editor: string | null;
  operating_system: string | null;
  machine: string | null;
  /** JSON object of the fields Metronome does not know. */
  extra: string | null;
  created_at: number;
  machine_uuid: string | null;
  user_agent_uuid: string | null;
  user_agent: string | null;
}

// ---------------------------------------------------------------------------------------------
// Normalization: permissive on input, exactly as ../shared/spec/README.md says, strict on sizes.

/** Where a heartbeat came from: request headers that complete it. */
export interface HeartbeatContext {
  /** The request's User-Agent header. */
  userAgent: string | null;
  /** X-Machine-Name. */
  machine: string | null;
  /** Parsed user agent → editor / OS / plugin. */
  parseUserAgent: (ua: string) => { editor: string | null; operating_system: string | null; plugin: string | null };
  /** Now, in epoch seconds (for the future-timestamp check). */
  now: number;
}

export type FieldErrors = Record<string, unknown[]>;
export type NormalizeResult = { ok: true; heartbeat: Heartbeat } | { ok: false; error: string } | { ok: false; errors: FieldErrors };

export const LIMITS = {
  entity: 4096,
  text: 1024,
  dependencies: 1000,
  extraBytes: 16 * 1024,
  /** Deepest nesting of arrays/objects inside unknown fields (the heartbeat itself is level 0). */
  extraDepth: 32,
  /** 2000-01-01T00:00:00Z: older timestamps are not coding activity but a broken clock. */
  minTime: 946684800,
  /** Clock skew tolerated for timestamps in the future. */
  futureSkew: 24 * 3600,
} as const;

const KNOWN_FIELDS = new Set([
  'time', 'entity', 'type', 'category', 'project', 'project_root_count', 'branch', 'language',
  'dependencies', 'lines', 'line_additions', 'line_deletions', 'lineno', 'cursorpos', 'is_write',
  'ai_line_changes', 'human_line_changes', 'user_agent', 'plugin',
]);

/** Category when a plugin sends none: WakaTime infers it from the entity type. */
export function defaultCategory(type: string): string {
  return type === 'domain' ? 'browsing' : 'coding';
}

/** Repairs ms (and µs) timestamps into seconds. */
export function repairTime(t: number): number {
  if (t > 1e14) return t / 1e6;
  if (t > 1e11) return t / 1e3;
  return t;
}

/**
 * Integer columns and what they hold. `project_root_count` is a 32-bit `integer` on PostgreSQL;
 * the others are `bigint`, bounded here by what a JS number holds exactly.
 */
const INT32 = { min: -2147483648, max: 2147483647 } as const;
const SAFE = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER } as const;
export const INT_RANGES: Record<string, { min: number; max: number }> = {
  project_root_count: INT32,
  lines: SAFE,
  lines_in_file: SAFE,
  line_additions: SAFE,
  line_deletions: SAFE,
  lineno: SAFE,
  cursorpos: SAFE,
  ai_line_changes: SAFE,
  human_line_changes: SAFE,
};

/** ES2024 string methods (Node ≥ 20), not in this project's TypeScript lib yet. */
type Es2024String = { isWellFormed(): boolean };
const wellFormed = (s: string): boolean => (s as unknown as Es2024String).isWellFormed();

/**
 * Why a string can not be stored as text, or null when it can: PostgreSQL refuses NUL in text,
 * and an unpaired UTF-16 surrogate has no UTF-8 form (drivers would silently replace it, so the
 * stored heartbeat would differ from the one hashed).
 */
export function unstorableText(s: string): string | null {
  if (s.indexOf('\0') !== -1) return 'Must not contain the NUL character (\\u0000).';
  if (!wellFormed(s)) return 'Must be valid Unicode text (no unpaired surrogate).';
  return null;
}

/**
 * A request header as heartbeat context (User-Agent, X-Machine-Name): trimmed, at most 1024
 * characters, control characters (NUL included) and unpaired surrogates dropped. A header is
 * context, not the heartbeat itself: cleaning it keeps the user's heartbeats rather than
 * refusing all of them for a machine name. Null when nothing is left.
 */
export function cleanHeaderValue(v: string | undefined | null): string | null {
  if (!v) return null;
  // eslint-disable-next-line no-control-regex
  let s = /[\u0000-\u001f\u007f]/.test(v) ? v.replace(/[\u0000-\u001f\u007f]+/g, ' ') : v;
  if (!wellFormed(s)) s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
  s = s.trim();
  return s ? s.slice(0, 1024) : null;
}

class Collector {
  /** Without a prototype: a field named `constructor` or `__proto__` is just a name here. */
  errors: FieldErrors = Object.create(null) as FieldErrors;
  /** Whether anything was added (cheaper than counting keys for every valid heartbeat). */
  any = false;
  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
    this.any = true;
  }
}

function str(c: Collector, raw: Record<string, unknown>, field: string, max: number): string | null {
  const v = raw[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') {
    c.add(field, 'Must be a string.');
    return null;
  }
  if (v.length > max) {
    c.add(field, `Must be at most ${max} characters.`);
    return null;
  }
  const bad = unstorableText(v);
  if (bad) {
    c.add(field, bad);
    return null;
  }
  return v === '' ? null : v;
}

function int(c: Collector, raw: Record<string, unknown>, field: string): number | null {
  const v = raw[field];
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' ? Number(v.trim()) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n)) {
    c.add(field, 'Must be an integer.');
    return null;
  }
  const i = Math.trunc(n);
  const range = INT_RANGES[field] ?? SAFE;
  if (i < range.min || i > range.max) {
    c.add(field, `Must be an integer between ${range.min} and ${range.max}.`);
    return null;
  }
  return i === 0 ? 0 : i; // never -0
}

function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return /^(true|1|yes)$/i.test(v.trim());
  return false;
}

function dependencies(c: Collector, v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  let list: unknown[];
  if (typeof v === 'string') list = v.split(',');
  else if (Array.isArray(v)) list = v;
  else {
    c.add('dependencies', 'Must be a list of strings or a comma separated string.');
    return [];
  }
  if (list.length > LIMITS.dependencies) {
    c.add('dependencies', `Must have at most ${LIMITS.dependencies} items.`);
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      c.add('dependencies', 'Each dependency must be a string.');
      return [];
    }
    const s = String(item).trim();
    if (s.length > LIMITS.text) {
      c.add('dependencies', `Each dependency must be at most ${LIMITS.text} characters.`);
      return [];
    }
    const bad = typeof item === 'string' ? unstorableText(s) : null;
    if (bad) {
      c.add('dependencies', `Each dependency: ${bad}`);
      return [];
    }
    if (s && !seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

const TOO_BIG = 'too big';

/**
 * Checks an unknown field's value without recursion (any nesting a JSON body can carry is safe
 * here): at most LIMITS.extraDepth levels of arrays/objects, every string and key storable, and
 * its JSON text within `budget` characters, counted from below as it goes so that a huge value
 * stops early (the exact length is checked once this passed). Returns the budget left, or why the
 * value is refused (TOO_BIG when over budget).
 */
function checkExtraValue(value: unknown, budget: number): number | string {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      budget -= v.length + 2;
      if (budget < 0) return TOO_BIG;
      const bad = unstorableText(v);
      if (bad) return bad;
    } else if (typeof v === 'number') budget -= Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'boolean') budget -= v ? 4 : 5;
    else if (v === null) budget -= 4;
    else if (typeof v === 'object') {
      if (depth >= LIMITS.extraDepth) return `Must not nest more than ${LIMITS.extraDepth} levels deep.`;
      budget -= 2;
      if (Array.isArray(v)) {
        budget -= Math.max(0, v.length - 1);
        if (budget < 0) return TOO_BIG;
        for (let i = v.length - 1; i >= 0; i--) {
          values.push(v[i]);
          depths.push(depth + 1);
        }
      } else {
        for (const k in v as Record<string, unknown>) {
          budget -= k.length + 3;
          if (budget < 0) return TOO_BIG;
          const bad = unstorableText(k);
          if (bad) return `Field names: ${bad}`;
          values.push((v as Record<string, unknown>)[k]);
          depths.push(depth + 1);
        }
      }
    }
    if (budget < 0) return TOO_BIG;
  }
  return budget;
}

/** Validates and normalizes one heartbeat as a client sent it. Never throws. */
export function normalizeHeartbeat(input: unknown, ctx: HeartbeatContext): NormalizeResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: 'A heartbeat must be a JSON object.' };
  }
  const raw = input as Record<string, unknown>;
  const c = new Collector();

  let time: number | null = null;
  const rt = raw.time;
  const tn = typeof rt === 'string' && rt.trim() !== '' ? Number(rt) : typeof rt === 'number' ? rt : NaN;
  if (rt === undefined || rt === null) c.add('time', 'This field is required.');
  else if (!Number.isFinite(tn)) c.add('time', 'Must be a UNIX timestamp in seconds.');
  else {
    time = repairTime(tn);
    if (time < LIMITS.minTime) c.add('time', 'Must be a UNIX timestamp in seconds after 2000-01-01.');
    else if (time > ctx.now + LIMITS.futureSkew) c.add('time', 'Can not be more than a day in the future.');
  }

  const entity = str(c, raw, 'entity', LIMITS.entity);
  if (entity === null && !c.errors.entity) c.add('entity', 'This field is required.');

  const type = str(c, raw, 'type', LIMITS.text) ?? str(c, raw, 'entity_type', LIMITS.text) ?? 'file';
  const category = str(c, raw, 'category', LIMITS.text) ?? defaultCategory(type);
  const project = str(c, raw, 'project', LIMITS.text);
  const branch = str(c, raw, 'branch', LIMITS.text);
  const language = str(c, raw, 'language', LIMITS.text);
  const userAgentOwn = str(c, raw, 'user_agent', LIMITS.text);
  const pluginOwn = str(c, raw, 'plugin', LIMITS.text);
  const deps = dependencies(c, raw.dependencies);
  const lines = int(c, raw, raw.lines === undefined && raw.lines_in_file !== undefined ? 'lines_in_file' : 'lines');
  const projectRootCount = int(c, raw, 'project_root_count');
  const lineAdditions = int(c, raw, 'line_additions');
  const lineDeletions = int(c, raw, 'line_deletions');
  const lineno = int(c, raw, 'lineno');
  const cursorpos = int(c, raw, 'cursorpos');
  const aiLineChanges = int(c, raw, 'ai_line_changes');
  const humanLineChanges = int(c, raw, 'human_line_changes');

  let extra: Record<string, unknown> | null = null;
  let extraBudget = LIMITS.extraBytes;
  for (const k in raw) {
    if (KNOWN_FIELDS.has(k)) continue;
    const v = raw[k];
    const keyBad = unstorableText(k);
    if (keyBad) {
      c.add('extra', `Unknown field names: ${keyBad}`);
      continue;
    }
    extraBudget -= k.length + 3;
    const checked = checkExtraValue(v, extraBudget);
    if (typeof checked === 'string') {
      c.add(checked === TOO_BIG ? 'extra' : k, checked === TOO_BIG ? `Unknown fields may take at most ${LIMITS.extraBytes} bytes in all.` : checked);
      if (checked === TOO_BIG) break;
      continue;
    }
    extraBudget = checked;
    // without a prototype: an unknown field named `__proto__` is stored like any other
    (extra ??= Object.create(null) as Record<string, unknown>)[k] = v;
  }
  // Safe now (bounded depth and size): the exact size of what is stored.
  if (extra && !c.errors.extra && JSON.stringify(extra).length > LIMITS.extraBytes) {
    c.add('extra', `Unknown fields may take at most ${LIMITS.extraBytes} bytes in all.`);
  }

  if (c.any || time === null || entity === null) return { ok: false, errors: c.errors };

  const userAgent = userAgentOwn ?? ctx.userAgent;
  const parsed = userAgent ? ctx.parseUserAgent(userAgent) : { editor: null, operating_system: null, plugin: null };
  return {
    ok: true,
    heartbeat: {
      time,
      entity,
      type,
      category,
      project,
      project_root_count: projectRootCount,
      branch,
      language,
      dependencies: deps,
      lines,
      line_additions: lineAdditions,
      line_deletions: lineDeletions,
      lineno,
      cursorpos,
      is_write: bool(raw.is_write),
      ai_line_changes: aiLineChanges,
      human_line_changes: humanLineChanges,
      user_agent: userAgent,
      editor: parsed.editor,
      operating_system: parsed.operating_system,
      plugin: pluginOwn ?? parsed.plugin,
      machine: ctx.machine,
      extra,
    },
  };
}

/**
 * The canonical hash of a user's heartbeat: identical content (a retried batch, an offline queue
 * sent twice) hashes identically, so the unique key (user, time, hash) makes retries idempotent.
 * 52 bits: exact in a JS number and in a 64-bit integer column.
 */
export function heartbeatHash(userId: number, h: Heartbeat): number {
  const canonical = JSON.stringify([
    userId, h.time, h.entity, h.type, h.category, h.project, h.project_root_count, h.branch, h.language,
    h.dependencies, h.lines, h.line_additions, h.line_deletions, h.lineno, h.cursorpos, h.is_write,
    h.ai_line_changes, h.human_line_changes, h.user_agent, h.plugin, h.machine, h.extra === null ? null : sortKeys(h.extra),
  ]);
  // one-shot digest (no Hash object per heartbeat); the first 52 bits of the SHA-1
  const digest = digestOf('sha1', canonical, 'hex');
  return parseInt(digest.slice(0, 13), 16);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** The public id of a heartbeat (hex of its hash), and back. */
export function heartbeatId(hash: number): string {
  // as two small integers: V8 prints those in hex far faster than a 52-bit double
  const high = Math.floor(hash / 0x10000000);
  const low = (hash - high * 0x10000000).toString(16);
  return high === 0 ? low.padStart(13, '0') : high.toString(16).padStart(6, '0') + '0000000'.slice(low.length) + low;
}
export function parseHeartbeatId(id: string): number | null {
  return /^[0-9a-f]{1,13}$/i.test(id) ? parseInt(id, 16) : null;
}

/** What the bulk answer carries per heartbeat: wakatime-cli decodes `type` strictly. */
export function acceptedHeartbeatData(hash: number, h: Heartbeat): { id: string; entity: string; time: number; type?: string } {
  const data: { id: string; entity: string; time: number; type?: string } = { id: heartbeatId(hash), entity: h.entity, time: h.time };
  if (h.type === 'file' || h.type === 'domain' || h.type === 'app') data.type = h.type;
  return data;
}
