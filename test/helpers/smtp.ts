/**
 * A real SMTP server in the test process (the `smtp-server` package) that collects every message
 * it receives, decoded enough to assert on: headers, subject, the text and HTML parts.
 *
 *   const smtp = smtpServerForFile();              // started before the file's tests, closed after
 *   describeEachDatabase('x', (t) => { … }, { env: () => ({ SMTP_URL: smtp.url }) });
 *   const [mail] = await smtp.waitFor((m) => m.to.includes('ada@example.com'));
 *
 * (startSmtpServer() gives one to start and close yourself.)
 */
import { afterAll, beforeAll } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  /** Envelope sender and recipients, as given to MAIL FROM / RCPT TO. */
  from: string;
  to: string[];
  /** Headers, lower-cased names, unfolded (last value wins). */
  headers: Record<string, string>;
  /** The Subject header, RFC 2047 words decoded. */
  subject: string;
  /** The text/plain part, decoded ('' if none). */
  text: string;
  /** The text/html part, decoded ('' if none). */
  html: string;
  raw: string;
  /** The user name the client authenticated with, if it did. */
  authUser: string | null;
}

export interface TestSmtpServer {
  /** smtp://user:pass@127.0.0.1:port (any credentials are accepted). */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the messages matching `match` once at least `count` arrived (rejects after timeoutMs). */
  waitFor(match?: (m: ReceivedMail) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Forgets what arrived so far. */
  clear(): void;
  /** Makes the server refuse the next `n` messages with a 451 (to test retries). */
  failNext(n: number): void;
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*/g, (_all, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The text/plain and text/html leaves of a (possibly multipart) message. */
function parts(headers: Record<string, string>, body: string, out: { text: string; html: string }): void {
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const part = splitHeaders(chunk.replace(/^\r?\n/, ''));
      parts(part.headers, part.body.replace(/\r?\n$/, ''), out);
    }
    return;
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding']);
  if (/^text\/html/i.test(type)) out.html ||= decoded;
  else if (/^text\/plain/i.test(type)) out.text ||= decoded;
}

export function parseMail(raw: string, envelope: { from: string; to: string[]; authUser: string | null }): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  const out = { text: '', html: '' };
  parts(headers, body, out);
  return { ...envelope, headers, subject: decodeWords(headers.subject ?? ''), text: out.text.replace(/\r\n/g, '\n'), html: out.html.replace(/\r\n/g, '\n'), raw };
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let failures = 0;
  const server = new SMTPServer({
    // plain SMTP on localhost: no STARTTLS (a self-signed certificate would fail nodemailer's check)
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          authUser: typeof session.user === 'string' ? session.user : null,
        };
        messages.push(parseMail(raw, envelope));
        callback();
        for (const w of [...waiters]) w();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://tester:secret@127.0.0.1:${port}`,
    messages,
    waitFor(match = () => true, count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.filter(match);
          if (found.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} matching message(s) within ${timeoutMs} ms, got ${messages.filter(match).length} (of ${messages.length})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    clear() {
      messages.length = 0;
    },
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * One server for the test file that calls this at its top level: started in a beforeAll, closed in an
 * afterAll. The answer stands for it (use it inside tests and `env` callbacks, not while collecting).
 */
export function smtpServerForFile(): TestSmtpServer {
  let server: TestSmtpServer | undefined;
  beforeAll(async () => {
    server = await startSmtpServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  const started = (): TestSmtpServer => {
    if (!server) throw new Error('the SMTP server starts in beforeAll');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get messages() {
      return started().messages;
    },
    waitFor: (match, count, timeoutMs) => started().waitFor(match, count, timeoutMs),
    clear: () => started().clear(),
    failNext: (n) => started().failNext(n),
    close: () => started().close(),
  };
}
