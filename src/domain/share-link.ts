/**
 * Share links: secret, revocable links to a user's badges and embeddable charts. Pure: the kinds,
 * the token format (stored only as its sha256) and the input rules.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { STATS_RANGES } from './ranges.js';

/** badge: "label | 12 hrs 3 mins" of the total (or one project); the others: a chart of that breakdown. */
export const SHARE_KINDS = ['badge', 'languages', 'editors', 'activity'] as const;
export type ShareKind = (typeof SHARE_KINDS)[number];

/** The ranges a share link may cover (the stats ranges; fixed years and months would never change). */
export const SHARE_RANGES = STATS_RANGES;

export const TOKEN_PREFIX = 'msl_';
export const LABEL_MAX = 40;
export const PROJECT_MAX = 1024;
/** Most live links per user (creating more answers 409). */
export const MAX_LINKS_PER_USER = 200;

export function generateShareToken(): { token: string; hash: string; prefix: string; uuid: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { token, hash: hashShareToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 4), uuid: randomUUID() };
}

export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Could this be a token we issued? (Cheap refusal before any query.) */
export function looksLikeShareToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX) && /^[A-Za-z0-9_-]{32}$/.test(token.slice(TOKEN_PREFIX.length));
}

export function isShareKind(kind: string): kind is ShareKind {
  return (SHARE_KINDS as readonly string[]).includes(kind);
}

export function isShareRange(range: string): boolean {
  return (SHARE_RANGES as readonly string[]).includes(range);
}
