/** The meta resource (`GET /meta`): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import type { Meta } from '../domain/catalog.js';

export const MetaResource = Type.Object(
  {
    ip_descriptions: Type.Object({ api: Type.String(), website: Type.String(), worker: Type.String() }, { additionalProperties: false, description: 'explanation of each ip category' }),
    ips: Type.Object(
      {
        api: Type.Array(Type.String(), { description: 'ip addresses used by the api servers' }),
        website: Type.Array(Type.String(), { description: 'ip addresses used by the website servers' }),
        worker: Type.Array(Type.String(), { description: 'ip addresses used by background worker servers' }),
      },
      { additionalProperties: false },
    ),
    last_modified_at: Nullable(Type.String({ description: 'last time an IP was added, removed or modified, ISO 8601' })),
  },
  { additionalProperties: false },
);
export type MetaResource = Static<typeof MetaResource>;

export const MetaEnvelope = Type.Object({ data: MetaResource }, { additionalProperties: false });

export function toMetaResource(m: Meta): MetaResource {
  return {
    ip_descriptions: { api: m.ip_descriptions.api, website: m.ip_descriptions.website, worker: m.ip_descriptions.worker },
    ips: { api: [...m.ips.api], website: [...m.ips.website], worker: [...m.ips.worker] },
    last_modified_at: m.last_modified_at,
  };
}
