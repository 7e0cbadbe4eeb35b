/**
 * The `metronome` command: serve, migrate, user create, user set-password, user api-key, app create,
 * commits import.
 * Run it as `metronome …`, `npx metronome …` or `npm run metronome -- …`.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { HttpError } from './http/errors.js';
import { DomainError } from './domain/errors.js';
import { createAccount, setPassword } from './services/accounts.js';
import { openDatabase, type Storage } from './storage/db.js';
import { migrateToLatest } from './storage/migrate.js';
import { installJobSchema } from './services/jobs.js';
import { createApiKey, revokeAllApiKeys } from './storage/api-keys.js';
import { findUserByUsername } from './storage/users.js';
import { appRedirectUris, createOauthApp } from './storage/oauth.js';
import { redirectUrisProblem } from './domain/oauth.js';
import { startServer } from './server.js';
import { importGitCommits } from './services/commit-import.js';
import { IMPORT_USAGE, runImportCli } from './cli-import.js';
import { Mailer } from './services/mail.js';

/** A logger that says nothing (the CLI prints its own lines). */
const silentLog = { info() {}, error() {}, warn() {}, debug() {}, trace() {}, fatal() {}, child() { return silentLog; }, level: 'silent', silent() {} } as unknown as ConstructorParameters<typeof Mailer>[1];

const USAGE = `Usage: metronome <command>

Commands:
  serve                                     start the server (migrates first)
  migrate                                   apply database migrations and exit
  user create <username> [--email E] [--password-stdin] [--admin] [--json]
                                            create a user and print their API key
                                            (--password-stdin: their web password, read from stdin)
  user set-password <username> --password-stdin
                                            set or replace a user's web password (read from
                                            stdin) and log them out of every browser
  user api-key <username> [--rotate] [--name N] [--json]
                                            issue a new API key for the user and print it;
                                            --rotate revokes all their other keys first
  app create <username> --name N --redirect-uri U [--redirect-uri U2 …] [--public] [--json]
                                            register an OAuth app owned by the user and print
                                            its client_id and client_secret (public apps: none,
                                            they must use PKCE)
  commits import <username> --project P --repo PATH [--branch B] [--json]
                                            read a local git repository's log (git must be on
                                            PATH) into the user's project P: the commits of
                                            branch B (default: the checked-out branch)
  mail test <address>                       send a test e-mail with SMTP_URL / MAIL_FROM and say
                                            whether the SMTP server took it
${IMPORT_USAGE}

Configuration comes from environment variables (README.md, "Configuration").`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Opens the configured database, brings it up to date, runs fn, closes it. */
async function withStorage<T>(fn: (storage: Storage, applied: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const storage = openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  try {
    const applied = await migrateToLatest(storage);
    return await fn(storage, applied);
  } finally {
    await storage.close();
  }
}

type Out = (line: string) => void;

export async function runCli(argv: string[], out: Out = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? 0 : 1;
  }
  if (command === 'serve') {
    await startServer(loadConfig());
    return -1; // keeps running
  }
  if (command === 'migrate') {
    const applied = await withStorage(async (s, applied) => {
      // the job queue's own schema (`pgboss`), which the server would otherwise create at start
      if (s.dialect === 'postgres') await installJobSchema(loadConfig().databaseUrl);
      return applied;
    });
    out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  }
  if (command === 'user' && sub === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' }, admin: { type: 'boolean' } },
    });
    const username = positionals[0];
    if (!username) throw new HttpError(400, 'user create needs a <username>');
    const password = values['password-stdin'] ? await readStdin() : null;
    const { user, apiKey } = await withStorage((s) => createAccount(s, { username, email: values.email ?? null, password, admin: values.admin ?? false }));
    if (values.json) out(JSON.stringify({ id: user.uuid, username: user.username, api_key: apiKey, is_admin: user.is_admin === 1 }));
    else {
      out(`created user ${user.username} (${user.uuid})\napi_key = ${apiKey}`);
      if (!password) {
        out(`no password: to log in to the web app, set one with`);
        out(`  echo 'their password' | metronome user set-password ${user.username} --password-stdin`);
      }
    }
    return 0;
  }
  if (command === 'user' && sub === 'set-password') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
    });
    const username = positionals[0];
    if (!username) throw new HttpError(400, 'user set-password needs a <username>');
    // never on the command line: it would show in `ps` and the shell history
    if (!values['password-stdin']) throw new HttpError(400, 'user set-password reads the password from stdin: pass --password-stdin');
    const password = await readStdin();
    const user = await withStorage((s) => setPassword(s, username, password));
    if (values.json) out(JSON.stringify({ id: user.uuid, username: user.username, password_set: true }));
    else out(`password set for ${user.username}: they can log in to the web app (their browser sessions were ended)`);
    return 0;
  }
  if (command === 'user' && sub === 'api-key') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { rotate: { type: 'boolean' }, name: { type: 'string' }, json: { type: 'boolean' } },
    });
    const username = positionals[0];
    if (!username) throw new HttpError(400, 'user api-key needs a <username>');
    const result = await withStorage(async (s) => {
      const user = await findUserByUsername(s.db, username);
      if (!user) throw new HttpError(404, `no user named "${username}"`);
      return s.db.transaction().execute(async (tx) => {
        const revoked = values.rotate ? await revokeAllApiKeys(tx, user.id) : 0;
        const { key } = await createApiKey(tx, user.id, values.name ?? (values.rotate ? 'rotated' : 'cli'));
        return { user, key, revoked };
      });
    });
    if (values.json) out(JSON.stringify({ id: result.user.uuid, username: result.user.username, api_key: result.key, revoked: result.revoked }));
    else out(`${values.rotate ? `revoked ${result.revoked} key(s); ` : ''}new api_key for ${result.user.username}:\napi_key = ${result.key}`);
    return 0;
  }
  if (command === 'mail' && sub === 'test') {
    const to = rest[0];
    if (!to) throw new HttpError(400, 'mail test needs an <address>');
    const config = loadConfig();
    const mailer = new Mailer(config.mail, silentLog);
    try {
      if (!mailer.enabled) {
        out('mail is off: set SMTP_URL (e.g. smtp://user:password@host:587) to send e-mail');
        return 1;
      }
      const result = await mailer.send({ to, subject: 'Metronome test e-mail', text: `This is a test e-mail from Metronome at ${config.baseUrl}: outgoing mail works.\n` });
      out(result.sent ? `sent to ${to} (message id ${result.messageId}) from ${config.mail.from}` : 'mail is off');
      return result.sent ? 0 : 1;
    } finally {
      mailer.close();
    }
  }
  if (command === 'import') return runImportCli(sub === undefined ? rest : [sub, ...rest], out, readStdin);
  if (command === 'app' && sub === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { name: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true }, public: { type: 'boolean' }, json: { type: 'boolean' } },
    });
    const username = positionals[0];
    if (!username) throw new HttpError(400, 'app create needs a <username>');
    const name = values.name?.trim();
    if (!name) throw new HttpError(400, 'app create needs --name');
    const redirectUris = (values['redirect-uri'] ?? []).map((u) => u.trim());
    const problem = redirectUrisProblem(redirectUris);
    if (problem) throw new HttpError(400, `--redirect-uri: ${problem}`);
    const { app, clientSecret } = await withStorage(async (s) => {
      const user = await findUserByUsername(s.db, username);
      if (!user) throw new HttpError(404, `no user named "${username}"`);
      return createOauthApp(s.db, { userId: user.id, name, redirectUris, isPublic: !!values.public });
    });
    const uris = appRedirectUris(app);
    if (values.json) {
      out(JSON.stringify({ id: app.uuid, name: app.name, client_id: app.client_id, client_secret: clientSecret, redirect_uris: uris, is_public: !!app.is_public }));
    } else {
      out(`created OAuth app ${app.name} (${app.uuid}) for ${username}`);
      out(`client_id = ${app.client_id}`);
      out(`client_secret = ${clientSecret ?? '(none: public app, use PKCE)'}`);
      out(`redirect_uris = ${uris.join(' ')}`);
    }
    return 0;
  }
  if (command === 'commits' && sub === 'import') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { project: { type: 'string' }, repo: { type: 'string' }, branch: { type: 'string' }, json: { type: 'boolean' } },
    });
    const username = positionals[0];
    if (!username) throw new HttpError(400, 'commits import needs a <username>');
    if (!values.project?.trim()) throw new HttpError(400, 'commits import needs --project');
    if (!values.repo) throw new HttpError(400, 'commits import needs --repo (a local git repository)');
    const result = await withStorage(async (s) => {
      const user = await findUserByUsername(s.db, username);
      if (!user) throw new HttpError(404, `no user named "${username}"`);
      return importGitCommits(s, user, { project: values.project!.trim(), repo: values.repo!, branch: values.branch ?? null });
    });
    if (values.json) out(JSON.stringify(result));
    else out(`imported ${result.added} new commit(s) of ${result.read} on branch ${result.branch} into project ${result.project} for ${username}`);
    return 0;
  }
  out(USAGE);
  return 1;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
const viaBin = process.argv[1]?.endsWith('metronome.js') || process.argv[1]?.endsWith('/metronome');
if (isMain || viaBin) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err: unknown) => {
      const field = (err instanceof HttpError || err instanceof DomainError) && err.field ? `${err.field}: ` : '';
      process.stderr.write(`metronome: ${field}${err instanceof Error ? err.message : String(err)}\n`);
      process.exit((err instanceof HttpError && err.statusCode < 500) || err instanceof DomainError ? 2 : 1);
    },
  );
}
