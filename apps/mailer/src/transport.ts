/**
 * Where mail goes: an SMTP server (`SMTP_URL`), or — on a laptop without one — `.eml` files
 * under `DATA_DIR/mail` that any mail client opens, plus the in-app notification.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<{ messageId: string; savedTo?: string }>;
  /** Closes what the sender keeps open (pooled SMTP connections); mail sent afterwards fails. */
  close?(): void;
}

export interface SmtpPoolOptions {
  /** SMTP connections kept open at most; mail beyond them waits its turn. Default 5. */
  maxConnections?: number;
}

/**
 * Mail through an SMTP server over a bounded pool of kept-open connections: a storm of reminders
 * pays one connection set-up (and TLS handshake) per connection, not per message, and never
 * opens more than `maxConnections` at once. An SMTP URL's own `pool`/`maxConnections`
 * parameters take precedence.
 */
export function smtpSender(smtpUrl: string, { maxConnections = 5 }: SmtpPoolOptions = {}): MailSender {
  // nodemailer ignores the other options of an object that has a `url`: the pool goes into the URL.
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(maxConnections));
  const transporter = nodemailer.createTransport(url.toString());
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(mail);
      return { messageId: info.messageId };
    },
    close: () => transporter.close(),
  };
}

export function fileSender(directory: string): MailSender {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(mail);
      await mkdir(directory, { recursive: true });
      const file = join(
        directory,
        `${new Date().toISOString().replaceAll(':', '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`,
      );
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, savedTo: file };
    },
  };
}
