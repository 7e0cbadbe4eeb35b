/**
 * The mailer (services/mail.ts) against a real in-process SMTP server (test/helpers/smtp.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadConfig, mailSetting } from '../../src/config.js';
import { Mailer, isMailAddress } from '../../src/services/mail.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { AccountMailService } from '../../src/services/account-mail.js';
import type { Storage } from '../../src/storage/db.js';
import type { StatsService } from '../../src/services/stats.js';
import { systemClock } from '../../src/domain/clock.js';
import { runCli } from '../../src/cli.js';

const log = pino({ level: 'silent' });

describe('mail configuration', () => {
  it('is off without SMTP_URL and derives the sender from BASE_URL', () => {
    expect(loadConfig({ BASE_URL: 'https://time.example.org' }).mail).toEqual({ smtpUrl: null, from: 'Metronome <metronome@time.example.org>' });
    expect(mailSetting({ SMTP_URL: 'smtps://u:p@mail.example.org:465', MAIL_FROM: 'Team <t@example.org>' }, 'http://x')).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.org:465',
      from: 'Team <t@example.org>',
    });
  });
  it('refuses a malformed SMTP_URL or MAIL_FROM at start', () => {
    expect(() => mailSetting({ SMTP_URL: 'http://mail.example.org' }, 'http://x')).toThrow(/SMTP_URL must start with smtp/);
    expect(() => mailSetting({ SMTP_URL: 'not a url' }, 'http://x')).toThrow(/SMTP_URL/);
    expect(() => mailSetting({ MAIL_FROM: 'nobody' }, 'http://x')).toThrow(/MAIL_FROM/);
    expect(() => mailSetting({ MAIL_FROM: 'a@b.c\r\nBcc: x@y.z' }, 'http://x')).toThrow(/MAIL_FROM/);
  });
  it('accepts only plain addresses as recipients', () => {
    expect(isMailAddress('ada@example.com')).toBe(true);
    expect(isMailAddress('ada@example.com\r\nBcc: eve@example.com')).toBe(false);
    expect(isMailAddress('Ada <ada@example.com>')).toBe(false);
    expect(isMailAddress('a,b@example.com')).toBe(false);
    expect(isMailAddress(`${'a'.repeat(250)}@example.com`)).toBe(false);
  });
});

describe('Mailer', () => {
  let smtp: TestSmtpServer;
  let mailer: Mailer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    mailer = new Mailer({ smtpUrl: smtp.url, from: 'Metronome <metronome@metronome.test>' }, log);
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  it('sends nothing when mail is off, and says so', async () => {
    const off = new Mailer({ smtpUrl: null, from: 'Metronome <m@x.test>' }, log);
    // "forgot password" then answers 409 naming the reason, before looking anyone up
    const accountMail = new AccountMailService({} as Storage, off, {} as StatsService, systemClock, log, 'http://x.test');
    await expect(accountMail.requestPasswordReset('anyone')).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/E-mail is off/) });
    expect(off.status()).toEqual({ enabled: false, from: null });
    expect(await off.send({ to: 'ada@example.com', subject: 'hi', text: 'hello' })).toEqual({ sent: false, reason: 'mail_off' });
    expect(mailer.status()).toEqual({ enabled: true, from: 'Metronome <metronome@metronome.test>' });
  });

  it('delivers text and HTML with a Unicode subject through SMTP with credentials', async () => {
    smtp.clear();
    const result = await mailer.send({ to: 'ada@example.com', subject: 'Goal reached — 2 hrs ✓', text: 'You coded 2 hrs 5 mins today.\nKeep going, Zoë!', html: '<p>You coded <b>2 hrs</b></p>' });
    expect(result.sent).toBe(true);
    const [m] = await smtp.waitFor((x) => x.to.includes('ada@example.com'));
    expect(m!.from).toBe('metronome@metronome.test');
    expect(m!.authUser).toBe('tester');
    expect(m!.subject).toBe('Goal reached — 2 hrs ✓');
    expect(m!.text.trim()).toBe('You coded 2 hrs 5 mins today.\nKeep going, Zoë!');
    expect(m!.html).toContain('<b>2 hrs</b>');
  });

  it('keeps a subject on one line (no header injection)', async () => {
    smtp.clear();
    await mailer.send({ to: 'bob@example.com', subject: 'Hi\r\nBcc: eve@example.com', text: 'x' });
    const [m] = await smtp.waitFor();
    expect(m!.to).toEqual(['bob@example.com']);
    expect(m!.headers.bcc).toBeUndefined();
    expect(m!.subject).toBe('Hi Bcc: eve@example.com');
  });

  it('refuses a bad recipient before contacting the server, and rejects on an SMTP failure', async () => {
    await expect(mailer.send({ to: 'x\n@y.z', subject: 's', text: 't' })).rejects.toMatchObject({ kind: 'validation', field: 'email' });
    smtp.clear();
    smtp.failNext(1);
    await expect(mailer.send({ to: 'carol@example.com', subject: 's', text: 't' })).rejects.toThrow(/451|try again/);
    await mailer.send({ to: 'carol@example.com', subject: 's', text: 't' });
    expect((await smtp.waitFor()).length).toBe(1);
  });

  it('metronome mail test sends a test e-mail, or says mail is off', async () => {
    smtp.clear();
    const saved = process.env.SMTP_URL;
    const lines: string[] = [];
    try {
      delete process.env.SMTP_URL;
      expect(await runCli(['mail', 'test', 'admin@example.com'], (l) => lines.push(l))).toBe(1);
      expect(lines.pop()).toMatch(/mail is off: set SMTP_URL/);
      process.env.SMTP_URL = smtp.url;
      expect(await runCli(['mail', 'test', 'admin@example.com'], (l) => lines.push(l))).toBe(0);
      expect(lines.pop()).toMatch(/^sent to admin@example\.com/);
      const [m] = await smtp.waitFor((x) => x.to.includes('admin@example.com'));
      expect(m!.subject).toBe('Metronome test e-mail');
    } finally {
      if (saved === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = saved;
    }
  });
});
