/** The relay target resource (/api/v1/users/current/relay_targets): never the other server's key, only a hint of it. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoOrNull } from '../domain/time.js';
import { maskSecret } from '../domain/transfer.js';

export const RelayTarget = Type.Object(
  {
    id: Type.String({ description: 'public id (uuid)' }),
    name: Type.String(),
    url: Type.String({ description: "the other server's API base, e.g. https://wakatime.com/api/v1" }),
    api_key_hint: Type.String({ description: 'the first and last characters of the key' }),
    enabled: Type.Boolean(),
    pending: Type.Integer({ description: 'heartbeats waiting in the outbox for this target' }),
    delivered: Type.Integer({ description: 'heartbeats delivered so far' }),
    failures: Type.Integer({ description: 'failed deliveries in a row' }),
    last_error: Nullable(Type.String()),
    last_success_at: Nullable(Type.String()),
    next_attempt_at: Nullable(Type.String({ description: 'when a failed delivery is retried' })),
    created_at: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type RelayTarget = Static<typeof RelayTarget>;

export const RelayTargetList = Type.Object({ data: Type.Array(RelayTarget) }, { additionalProperties: false });
export const RelayTargetEnvelope = Type.Object({ data: RelayTarget }, { additionalProperties: false });

export const RelayTargetBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    url: Type.Optional(Type.String({ maxLength: 2048, description: "the other server's API URL (https://wakatime.com/api/v1, Wakapi's …/api/compat/wakatime/v1, another Metronome's …/api/v1)" })),
    api_key: Type.Optional(Type.String({ maxLength: 512 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export interface RelayTargetSource {
  uuid: string;
  name: string;
  url: string;
  api_key: string;
  enabled: number;
  pending?: number;
  delivered: number;
  failures: number;
  last_error: string | null;
  last_success_at: number | null;
  next_attempt_at: number;
  created_at: number;
}

export function relayTargetResource(t: RelayTargetSource): RelayTarget {
  return {
    id: t.uuid,
    name: t.name,
    url: t.url,
    api_key_hint: maskSecret(t.api_key),
    enabled: !!t.enabled,
    pending: t.pending ?? 0,
    delivered: Number(t.delivered),
    failures: t.failures,
    last_error: t.last_error,
    last_success_at: isoOrNull(t.last_success_at),
    next_attempt_at: t.failures > 0 ? isoOrNull(t.next_attempt_at) : null,
    created_at: isoOrNull(t.created_at),
  };
}
