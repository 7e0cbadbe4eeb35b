/** The API key resource (GET/POST/DELETE /api/v1/users/current/api_keys): never the secret, except once on creation. */
import { Type, type Static } from '@sinclair/typebox';
import { isoOrNull } from '../domain/time.js';

const IsoOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const ApiKey = Type.Object(
  {
    id: Type.String({ description: 'public id (uuid): what DELETE …/api_keys/:id takes' }),
    name: Type.String(),
    prefix: Type.String({ description: 'the first characters of the key, to recognize it' }),
    created_at: IsoOrNull,
    last_used_at: IsoOrNull,
  },
);
export type ApiKey = Static<typeof ApiKey>;

/** The answer to creating a key: the resource and, this once, the key itself. */
export const NewApiKey = Type.Object({ ...ApiKey.properties, api_key: Type.String({ description: 'the secret: shown only now' }) });
export type NewApiKey = Static<typeof NewApiKey>;

export const ApiKeyList = Type.Object({ data: Type.Array(ApiKey) });
export const ApiKeyCreated = Type.Object({ data: NewApiKey });

/** The stored key's fields this mapping needs (storage/api-keys.ts ApiKeyRow has them). */
export interface ApiKeySource {
  uuid: string;
  name: string;
  key_prefix: string;
  created_at: number | null;
  last_used_at: number | null;
}

export function apiKeyResource(k: ApiKeySource): ApiKey {
  return { id: k.uuid, name: k.name, prefix: k.key_prefix, created_at: isoOrNull(k.created_at), last_used_at: isoOrNull(k.last_used_at) };
}
