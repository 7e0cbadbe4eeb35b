/** markChunks: a backlog of dirty marks is recomputed a day's worth of hours per transaction. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { markChunks } from '../../../src/services/rollups.js';

describe('markChunks', () => {
  it('keeps every mark exactly once, each chunk within 24 hours, chunks in hour order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 400_000, max: 420_000 }), { maxLength: 300 }), (hours) => {
        const marks = hours.map((hour, id) => ({ id, hour }));
        const chunks = markChunks(marks);
        expect(chunks.flat().map((m) => m.id).sort((a, b) => a - b)).toEqual(marks.map((m) => m.id));
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk[chunk.length - 1]!.hour - chunk[0]!.hour).toBeLessThan(24);
        }
        for (let i = 1; i < chunks.length; i++) expect(chunks[i]![0]!.hour).toBeGreaterThan(chunks[i - 1]![chunks[i - 1]!.length - 1]!.hour);
      }),
      { seed: 20261130, numRuns: 200 },
    );
  });

  it('a year of hourly marks (an import) becomes one chunk per day', () => {
    const marks = Array.from({ length: 365 * 24 }, (_, i) => ({ id: i, hour: 480_000 + i }));
    expect(markChunks(marks)).toHaveLength(365);
    expect(markChunks([])).toEqual([]);
  });
});
