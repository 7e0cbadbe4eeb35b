/**
 * Files kept in the database as numbered parts (data dumps' gzip files, uploaded import files): a
 * sink that gathers what it is written into parts of about PART_BYTES and stores them one at a time.
 */
import { Writable } from 'node:stream';

/** Size of a stored part of a file. */
export const PART_BYTES = 1024 * 1024;

/**
 * A Writable that stores what it is written as parts 0, 1, 2 … through `save` (each at least
 * PART_BYTES but the last); `refuse`, if given, sees every chunk first and may fail the stream.
 */
export function partsSink(save: (seq: number, data: Buffer) => Promise<void>, refuse?: (chunk: Buffer) => Error | undefined): Writable {
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await save(seq++, data);
  };
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const refused = refuse?.(chunk);
      if (refused) return done(refused);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < PART_BYTES) return done();
      flush().then(() => done(), done);
    },
    final(done) {
      flush().then(() => done(), done);
    },
  });
}
