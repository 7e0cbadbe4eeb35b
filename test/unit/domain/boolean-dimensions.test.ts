import { describe, expect, it } from 'vitest';
import { parseBooleanWord } from '../../../src/domain/boolean.js';
import { DIMENSIONS, ROLLUP_DIMENSIONS, SCOPED_DIMENSIONS } from '../../../src/domain/dimensions.js';
import * as duration from '../../../src/domain/duration.js';
import { booleanParam, requireTimezone } from '../../../src/http/schemas.js';
import { SCOPES } from '../../../src/domain/scopes.js';

describe('one boolean parser', () => {
  it('reads true/false, 1/0, yes/no, on/off in any case; blank is undefined; anything else null', () => {
    for (const w of ['true', 'TRUE', ' 1 ', 'yes', 'On']) expect(parseBooleanWord(w)).toBe(true);
    for (const w of ['false', '0', 'No', 'OFF']) expect(parseBooleanWord(w)).toBe(false);
    for (const w of [undefined, null, '', '  ']) expect(parseBooleanWord(w)).toBeUndefined();
    for (const w of ['perhaps', '2', 'truthy', 'y']) expect(parseBooleanWord(w)).toBeNull();
  });

  it('booleanParam answers a 400 naming the field for anything else', () => {
    expect(booleanParam('on', 'writes_only')).toBe(true);
    expect(booleanParam(undefined, 'writes_only')).toBeUndefined();
    expect(() => booleanParam('perhaps', 'writes_only')).toThrow(expect.objectContaining({ statusCode: 400, field: 'writes_only' }));
  });
});

describe('one zone check', () => {
  it('passes IANA zones through and names the field otherwise', () => {
    expect(requireTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(() => requireTimezone('Mars/Olympus', 'tz')).toThrow(expect.objectContaining({ statusCode: 400, field: 'tz', message: expect.stringContaining('Mars/Olympus') }));
  });
});

describe('one dimension list', () => {
  it('is the list time accounting uses', () => {
    expect([...duration.DIMENSIONS]).toEqual([...DIMENSIONS]);
    expect([...duration.ROLLUP_DIMENSIONS]).toEqual([...ROLLUP_DIMENSIONS]);
  });

  it('names every narrowed scope', () => {
    for (const d of SCOPED_DIMENSIONS) {
      expect(SCOPES.some((s) => s.name === `read_summaries.${d}`)).toBe(true);
      expect(SCOPES.some((s) => s.name === `read_stats.${d}`)).toBe(true);
    }
    expect(SCOPES.filter((s) => s.name.startsWith('read_summaries.')).map((s) => s.name.split('.')[1])).toEqual([...SCOPED_DIMENSIONS]);
  });
});
