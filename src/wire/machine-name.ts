/** The machine name resource (`GET /users/:user/machine_names`): schema and its one mapping function. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { isoOrNull } from '../domain/time.js';

const Str = (description: string) => Nullable(Type.String({ description }));

export const MachineNameResource = Type.Object(
  {
    id: Type.String({ description: 'unique id of this machine' }),
    name: Type.String({ description: 'the machine’s name, normally the host name' }),
    value: Type.String({ description: 'local host name of this machine' }),
    ip: Str('ip address of this machine'),
    timezone: Str('timezone sent with first heartbeat received for this machine, in Olson Country/Region format'),
    last_seen_at: Str('time when this machine was last seen in ISO 8601 format'),
    created_at: Str('time when this machine was first seen in ISO 8601 format'),
  },
  { additionalProperties: false },
);
export type MachineNameResource = Static<typeof MachineNameResource>;

export const MachineNameList = Type.Object({ data: Type.Array(MachineNameResource) }, { additionalProperties: false });

/** What a machine is made of (times in UNIX seconds). */
export interface MachineName {
  uuid: string;
  value: string;
  ip: string | null;
  timezone: string | null;
  first_seen_at: number | null;
  last_seen_at: number | null;
}

export function toMachineNameResource(m: MachineName): MachineNameResource {
  return {
    id: m.uuid,
    name: m.value,
    value: m.value,
    ip: m.ip,
    timezone: m.timezone,
    last_seen_at: isoOrNull(m.last_seen_at),
    created_at: isoOrNull(m.first_seen_at),
  };
}
