/**
 * Outgoing e-mail: one Mailer per app instance, on nodemailer's SMTP transport, configured by
 * SMTP_URL / MAIL_FROM (config.mail). Without SMTP_URL mail is off: `send` sends nothing and says
 * so, and `status()` tells a settings page. Callers that must not lose a message (notifications,
 * password resets) send from a job, so a failing SMTP server is retried by the job runner.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { ValidationError } from '../domain/errors.js';

export interface MailMessage {
  /** One recipient address. */
  to: string;
  subject: string;
  /** The plain-text body (every message has one). */
  text: string;
  /** An optional HTML alternative. */
  html?: string;
}

export interface MailStatus {
  /** Whether this instance sends e-mail at all (SMTP_URL is set). */
  enabled: boolean;
  /** The sender address, when mail is on. */
  from: string | null;
}

export type SendResult = { sent: true; messageId: string } | { sent: false; reason: 'mail_off' };

/** A recipient address we are willing to hand to SMTP: one plain address, no header tricks. */
export function isMailAddress(value: string): boolean {
  return value.length <= 254 && /^[^\s@<>(),;:"\\[\]\u0000-\u001f\u007f]+@[^\s@<>(),;:"\\[\]\u0000-\u001f\u007f]+\.[^\s@<>(),;:"\\[\]\u0000-\u001f\u007f]+$/u.test(value);
}

/** A header value on one line (nodemailer encodes non-ASCII; line breaks would start a header). */
function oneLine(value: string, max = 200): string {
  const flat = value.replace(/[\r\n\t\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export class Mailer {
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(
    config: Config['mail'],
    private readonly log: FastifyBaseLogger,
  ) {
    this.from = config.from;
    this.transport = config.smtpUrl
      ? nodemailer.createTransport({
          url: config.smtpUrl,
          // a dead or stalled SMTP server fails the send (and the job retries) instead of hanging it
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
          // nodemailer's own logger stays off: our log line below never carries credentials
          logger: false,
        })
      : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  status(): MailStatus {
    return { enabled: this.enabled, from: this.enabled ? this.from : null };
  }

  /**
   * Sends one message. Mail off: resolves `{ sent: false }` without contacting anyone. A refused
   * address is a ValidationError; an SMTP failure rejects (the caller's job retries it).
   */
  async send(message: MailMessage): Promise<SendResult> {
    if (!isMailAddress(message.to)) throw new ValidationError('email', 'not a deliverable e-mail address');
    if (!this.transport) return { sent: false, reason: 'mail_off' };
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: oneLine(message.subject),
      text: message.text,
      ...(message.html !== undefined ? { html: message.html } : {}),
    });
    this.log.info({ messageId: info.messageId, subject: oneLine(message.subject) }, 'mail sent');
    return { sent: true, messageId: String(info.messageId) };
  }

  close(): void {
    this.transport?.close();
  }
}

/** Escapes text for the HTML part of a message. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
