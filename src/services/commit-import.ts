/**
 * `metronome commits import`: a local git repository's log into a user's project (issue 12).
 * git runs as a child process with an argument list (never a shell); its output is parsed by
 * domain/commit.ts parseGitLog and stored like webhook commits (existing ones are left alone).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { epochSeconds, systemClock } from '../domain/clock.js';
import { GIT_LOG_FORMAT, parseGitLog, PayloadError } from '../domain/commit.js';
import { ValidationError } from '../domain/errors.js';
import type { Storage } from '../storage/db.js';
import { insertCommits } from '../storage/commits.js';
import type { UserRow } from '../storage/users.js';

const run = promisify(execFile);
/** The largest `git log` output read (a repository with ~1 M commits fits). */
const MAX_LOG_BYTES = 1024 * 1024 * 1024;

async function git(repo: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: MAX_LOG_BYTES, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    return stdout;
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new ValidationError('repo', 'git is not installed (not found on PATH).');
    throw new ValidationError('repo', `git failed in ${repo}: ${(e.stderr ?? String(err)).trim().slice(0, 500)}`);
  }
}

export async function importGitCommits(
  storage: Storage,
  user: UserRow,
  options: { project: string; repo: string; branch: string | null },
): Promise<{ project: string; branch: string; read: number; added: number }> {
  if (options.branch !== null && !/^[^-\s][^\s\0]*$/.test(options.branch)) throw new ValidationError('branch', 'Must be a branch name (not starting with "-").');
  const branch = options.branch ?? (await git(options.repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  if (!branch || branch === 'HEAD') throw new ValidationError('branch', 'The repository has no checked-out branch: name one with --branch.');
  const log = await git(options.repo, ['log', `--format=${GIT_LOG_FORMAT}`, branch, '--']);
  const now = epochSeconds(systemClock);
  let commits;
  try {
    commits = parseGitLog(log, now);
  } catch (err) {
    if (err instanceof PayloadError) throw new ValidationError(err.field, `git log: ${err.message}`);
    throw err;
  }
  const added = await storage.db.transaction().execute((tx) => insertCommits(tx, user.id, options.project, branch, 'git', commits, now));
  return { project: options.project, branch, read: commits.length, added };
}
