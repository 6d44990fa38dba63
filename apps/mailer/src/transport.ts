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
}

export function smtpSender(smtpUrl: string): MailSender {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(mail);
      return { messageId: info.messageId };
    },
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
