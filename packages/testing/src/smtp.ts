/**
 * A real SMTP server on loopback that keeps what it receives, parsed — the test double for a
 * mail provider is a genuine SMTP conversation, not a mocked transport.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  /** When the server had the whole message (before parsing it): what a lateness is measured to. */
  receivedAt: Date;
}

export interface SmtpCapture {
  url: string;
  messages: CapturedMail[];
  /** SMTP connections clients opened so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startSmtpCapture(port = 0): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Closing goes at once, like a server that stops: senders keep pooled connections open,
    // which would otherwise hold `close()` for the library's default 30 s.
    closeTimeout: 1,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let receivedAt = new Date();
      stream.on('end', () => (receivedAt = new Date()));
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            headers: mail.headers,
            receivedAt,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    get connections() {
      return connections;
    },
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/**
 * Takes the newest confirmation mail sent to `email` out of the capture and returns the token
 * of its `/confirm/<token>` link; throws when there is none.
 */
export function takeConfirmationToken(smtp: SmtpCapture, email: string): string {
  for (let i = smtp.messages.length - 1; i >= 0; i--) {
    const mail = smtp.messages[i]!;
    const token = /\/confirm\/([\w-]+)/.exec(mail.text)?.[1];
    if (token && mail.to.includes(email)) {
      smtp.messages.splice(i, 1);
      return token;
    }
  }
  throw new Error(`no confirmation mail to ${email}`);
}
