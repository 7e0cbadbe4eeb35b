/** Schema helpers every wire resource uses. */
import { Type, type TSchema } from '@sinclair/typebox';

/** A value or null (WakaTime sends null for what a viewer may not see). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
