/** The one reading of a boolean written as a word (query parameters, environment variables). Pure. */

export const TRUE_WORDS = ['true', '1', 'yes', 'on'] as const;
export const FALSE_WORDS = ['false', '0', 'no', 'off'] as const;

/**
 * true/false, 1/0, yes/no, on/off in any case, surrounding blanks ignored. `undefined` for absent
 * or blank input (the caller's default applies), `null` for anything else (the caller reports it).
 */
export function parseBooleanWord(raw: string | undefined | null): boolean | undefined | null {
  if (raw === undefined || raw === null) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === '') return undefined;
  if ((TRUE_WORDS as readonly string[]).includes(v)) return true;
  if ((FALSE_WORDS as readonly string[]).includes(v)) return false;
  return null;
}

export const BOOLEAN_WORDS_HINT = 'true or false (also 1/0, yes/no, on/off)';
