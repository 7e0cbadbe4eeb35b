/**
 * API keys in the form wakatime-cli validates: `waka_` + a lowercase UUID v4
 * (plain UUID v4 keys are accepted too). Only a hash is stored.
 */
import { createHash, randomUUID } from 'node:crypto';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function generateApiKey(): string {
  return `waka_${randomUUID()}`;
}

/** True for `waka_<uuid v4>` and bare `<uuid v4>` (lowercase, as wakatime-cli requires). */
export function isApiKeyFormat(candidate: string): boolean {
  const bare = candidate.startsWith('waka_') ? candidate.slice(5) : candidate;
  return UUID_V4.test(bare);
}

/** The same key hashes the same whether or not it carries the `waka_` prefix. */
export function hashApiKey(key: string): string {
  const bare = key.startsWith('waka_') ? key.slice(5) : key;
  return createHash('sha256').update(bare).digest('hex');
}

/** What lists show of a key: enough to tell keys apart, useless to an attacker. */
export function apiKeyPrefix(key: string): string {
  return `${key.slice(0, key.startsWith('waka_') ? 13 : 8)}…`;
}
