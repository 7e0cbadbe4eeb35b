/** Schema helpers every wire resource uses. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * A value or null (WakaTime sends null for what a viewer may not see). Written as OpenAPI's
 * `nullable: true`, which fast-json-stringify serializes directly: an `anyOf` with null would make
 * it validate every value (every list of items) against the branches to pick one.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

