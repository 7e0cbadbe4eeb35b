/**
 * `metronome import`: an import run in this process with a progress bar (stderr), through the
 * same ImportService and ingest path as the server's. Rerunning the same command resumes an
 * unfinished import of the same source from its cursor (after a crash, Ctrl-C or a failure).
 *
 *   metronome import <username> --file PATH
 *   metronome import <username> --from URL [--method days|dump] [--start YYYY-MM-DD] [--end YYYY-MM-DD]
 *     (the other server's API key on stdin, or in METRONOME_IMPORT_KEY: never on the command line)
 */
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig } from './config.js';
import { HttpError } from './http/errors.js';
import { createServices } from './services/index.js';
import { InProcessJobRunner } from './services/jobs.js';
import { openDatabase } from './storage/db.js';
import { migrateToLatest } from './storage/migrate.js';
import { findUserByUsername } from './storage/users.js';
import { listImports, type ImportRow } from './storage/imports.js';
import { apiBase } from './domain/transfer.js';

export const IMPORT_USAGE = `  import <username> --file PATH             import a WakaTime heartbeats data dump (JSON or gzip)
  import <username> --from URL [--method days|dump] [--start D] [--end D]
                                            import from a WakaTime-compatible server (WakaTime,
                                            Wakapi's …/api/compat/wakatime/v1, another Metronome);
                                            its API key on stdin or in METRONOME_IMPORT_KEY.
                                            Rerun the same command to resume an unfinished import.`;

type Out = (line: string) => void;

function bar(row: ImportRow): string {
  const pct = row.status === 'completed' ? 100 : row.total > 0 ? Math.min(100, (100 * row.done) / row.total) : 0;
  const width = 30;
  const filled = Math.round((pct / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct.toFixed(1).padStart(5)}%  ${row.imported} imported, ${row.skipped} skipped`;
}

export async function runImportCli(args: string[], out: Out, readKey: () => Promise<string>, progress: (line: string) => void = (l) => process.stderr.write(l)): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { file: { type: 'string' }, from: { type: 'string' }, method: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' } },
  });
  const username = positionals[0];
  if (!username) throw new HttpError(400, 'import needs a <username>');
  if (!values.file === !values.from) throw new HttpError(400, 'import needs --file PATH or --from URL');
  const file = values.file ? path.resolve(values.file) : undefined;
  if (file && !fs.existsSync(file)) throw new HttpError(400, `--file: no such file ${file}`);
  const config = loadConfig();
  const storage = openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2)) as unknown as FastifyBaseLogger;
  const jobs = new InProcessJobRunner(log);
  try {
    await migrateToLatest(storage);
    const user = await findUserByUsername(storage.db, username);
    if (!user) throw new HttpError(404, `no user named "${username}"`);
    // the runner is never started: the import runs right here
    const services = createServices({ config, storage, log, jobs });
    try {
      const source = file ? `file:${file}` : apiBase(values.from!);
      const unfinished = (await listImports(storage.db, user.id)).find((i) => i.source_url === source && ['pending', 'running', 'failed', 'canceled'].includes(i.status) && (i.kind === 'file' || i.api_key));
      let row: ImportRow;
      if (unfinished) {
        row = unfinished;
        out(`resuming import ${row.uuid} (${row.imported} imported so far)`);
        if (row.status !== 'pending' && row.status !== 'running') row = await services.imports.setStatus(user.id, row.uuid, 'pending');
      } else {
        const apiKey = file ? undefined : process.env.METRONOME_IMPORT_KEY || (await readKey()).trim();
        row = await services.imports.create(user.id, { type: file ? 'file' : 'server', url: values.from, api_key: apiKey, method: values.method, start: values.start, end: values.end }, { localFile: file });
        out(`import ${row.uuid} started`);
      }
      const abort = new AbortController();
      const stop = () => abort.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let end: ImportRow | undefined;
      try {
        end = await services.imports.run(row.id, { localFile: file, signal: abort.signal, takeOver: true, onProgress: (r) => progress(`\r${bar(r)}`) });
      } catch (err) {
        progress('\n');
        if (abort.signal.aborted) {
          out('interrupted: run the same command again to resume');
          return 130;
        }
        throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      progress('\n');
      if (!end) throw new Error('the import is gone');
      out(`${end.status}: ${end.received} heartbeats read, ${end.imported} imported (already stored ones included), ${end.skipped} skipped`);
      for (const [reason, n] of Object.entries(JSON.parse(end.skipped_reasons) as Record<string, number>)) out(`  skipped ${n}: ${reason}`);
      if (end.error) out(`error: ${end.error}`);
      return end.status === 'completed' ? 0 : 1;
    } finally {
      await services.close();
    }
  } finally {
    await storage.close();
  }
}
