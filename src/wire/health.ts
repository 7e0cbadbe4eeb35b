/** The health answer (`GET /healthz`). */
import { Type, type Static } from '@sinclair/typebox';

export const HealthResource = Type.Object(
  { status: Type.Literal('ok'), database: Type.String({ description: 'sqlite or postgres' }) },
  { additionalProperties: false },
);
export type HealthResource = Static<typeof HealthResource>;

export const Unhealthy = Type.Object({ error: Type.String() }, { additionalProperties: false });
