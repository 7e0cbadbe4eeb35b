/**
 * Configuration from environment variables (documented in README.md, "Configuration").
 */
import net from 'node:net';
import path from 'node:path';
import { parseBooleanWord } from './domain/boolean.js';

export interface Config {
  port: number;
  host: string;
  /** `postgres://…` selects PostgreSQL; a file path (optionally `sqlite:`-prefixed) selects SQLite. */
  databaseUrl: string;
  /** Public URL of this instance, used in links and the ~/.wakatime.cfg snippet. */
  baseUrl: string;
  logLevel: string;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Most heartbeats accepted in one heartbeats.bulk request. */
  maxBulkHeartbeats: number;
  /** SQLite `synchronous` pragma: FULL makes every acknowledged write survive power loss. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Whether anyone may sign up on the web (ALLOW_SIGNUP); the CLI can always create users. */
  allowSignup: boolean;
  /**
   * Slow or stalled clients (README, "Configuration"): the whole request (headers and body) must
   * arrive within requestTimeoutMs, its headers within headersTimeoutMs (a 408 and the connection
   * closed otherwise); an idle keep-alive connection is closed after keepAliveTimeoutMs, any
   * connection silent for connectionTimeoutMs (0: never) is dropped.
   */
  timeouts: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number; connectionTimeoutMs: number };
  /**
   * Outgoing e-mail (services/mail.ts): SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`);
   * null sends nothing (mail is off). MAIL_FROM is the sender, by default `Metronome <metronome@`
   * the host of BASE_URL `>`.
   */
  mail: { smtpUrl: string | null; from: string };
  /** Extra environment, for modules that read their own variables (e.g. /meta IPs). */
  env: Record<string, string | undefined>;
}

function int(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const v = parseBooleanWord(env[name]);
  if (v === undefined) return fallback;
  if (v === null) throw new Error(`${name} must be true or false, got "${env[name]}"`);
  return v;
}

/**
 * TRUST_PROXY → Fastify's `trustProxy`: which hops in front of us are trusted to say, in
 * X-Forwarded-For, who the client is. The client address is the closest address not trusted, so a
 * client cannot spoof it by sending its own X-Forwarded-For:
 * - unset, `false`: none (the TCP peer is the client);
 * - `true`: one hop, the reverse proxy directly in front: the client is the last X-Forwarded-For
 *   entry, the one that proxy appended (the server must then be reachable only through it);
 * - an integer N: N hops (proxies chained in front of us);
 * - a comma-separated list of IP addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal`:
 *   the addresses of the trusted proxies.
 */
export function trustProxySetting(raw: string | undefined): false | string | ((address: string, hop: number) => boolean) {
  const value = raw?.trim() ?? '';
  if (value === '' || parseBooleanWord(value) === false) return false;
  // (Fastify's own numeric trustProxy trusts nothing; a function counts the hops)
  const hopsTrusted = (hops: number) => (_address: string, hop: number) => hop < hops;
  if (parseBooleanWord(value) === true) return hopsTrusted(1);
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 100) throw new Error(`TRUST_PROXY must be true, false, a number of hops (1–100) or a list of proxy addresses, got "${raw}"`);
    return hopsTrusted(hops);
  }
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address, bits, ...more] = entry.split('/');
    const ok =
      ['loopback', 'linklocal', 'uniquelocal'].includes(entry) ||
      (more.length === 0 &&
        net.isIP(address ?? '') !== 0 &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv4(address!) ? 32 : 128)) || net.isIPv4(bits)));
    if (!ok) throw new Error(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR range or loopback/linklocal/uniquelocal`);
  }
  return entries.join(',');
}

/** SMTP_URL / MAIL_FROM → config.mail; invalid values stop the server at start. */
export function mailSetting(env: Record<string, string | undefined>, baseUrl: string): Config['mail'] {
  const raw = env.SMTP_URL?.trim() ?? '';
  let smtpUrl: string | null = null;
  if (raw !== '') {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error('SMTP_URL must be a URL like smtp://user:password@host:587 or smtps://host:465');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}"`);
    if (!url.hostname) throw new Error('SMTP_URL names no host');
    smtpUrl = raw;
  }
  let host = 'localhost';
  try {
    host = new URL(baseUrl).hostname || host;
  } catch {
    /* BASE_URL is checked where it is used */
  }
  const from = env.MAIL_FROM?.trim() || `Metronome <metronome@${host}>`;
  if (/[\r\n\0]/.test(from) || !/@/.test(from)) throw new Error(`MAIL_FROM must be one address like "Metronome <metronome@example.com>", got "${from}"`);
  return { smtpUrl, from };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const databaseUrl = env.DATABASE_URL || path.join('data', 'metronome.sqlite');
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const sync = (env.SQLITE_SYNCHRONOUS || 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new Error('SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  // invalid values stop the server at start
  trustProxySetting(env.TRUST_PROXY);
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000);
  const headersTimeoutMs = int(env, 'HEADERS_TIMEOUT_MS', Math.min(10_000, requestTimeoutMs), 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) throw new Error(`HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  const timeouts = {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    connectionTimeoutMs: int(env, 'CONNECTION_TIMEOUT_MS', 120_000, 0, 3_600_000),
  };
  return {
    port,
    host,
    databaseUrl,
    baseUrl,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    maxBulkHeartbeats: int(env, 'MAX_BULK_HEARTBEATS', 1000, 100, 100_000),
    sqliteSynchronous: sync,
    allowSignup: bool(env, 'ALLOW_SIGNUP', true),
    timeouts,
    mail: mailSetting(env, baseUrl),
    env,
  };
}
