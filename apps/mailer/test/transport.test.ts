import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSmtpCapture } from '@todo/testing';
import { fileSender, smtpSender } from '../src/index.js';

const mail = {
  from: 'todo <todo@localhost>',
  to: 'pat@example.test',
  subject: 'Reminder: Pay rent',
  text: 'plain',
  html: '<p>html</p>',
};

describe('mail senders', () => {
  it('without SMTP, writes each message as an .eml file a mail client can open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'todo-mail-'));
    const sent = await fileSender(dir).send(mail);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(join(dir, files[0]!)).toBe(sent.savedTo);
    const eml = readFileSync(sent.savedTo!, 'utf8');
    expect(eml).toMatch(/^Subject: Reminder: Pay rent$/m);
    expect(eml).toMatch(/^To: pat@example.test$/m);
    expect(eml).toContain('multipart/alternative');
  });

  it('with SMTP_URL, speaks SMTP to a real server', async () => {
    const smtp = await startSmtpCapture();
    const sender = smtpSender(smtp.url);
    try {
      await sender.send(mail);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatchObject({ subject: 'Reminder: Pay rent', to: ['pat@example.test'] });
      expect(smtp.messages[0]!.text.trim()).toBe('plain');
    } finally {
      sender.close?.();
      await smtp.close();
    }
  });

  it('sends many mails at once over a bounded pool of kept-open connections', async () => {
    const smtp = await startSmtpCapture();
    const sender = smtpSender(smtp.url, { maxConnections: 3 });
    try {
      const to = Array.from({ length: 30 }, (_, i) => `user${i}@example.test`);
      await Promise.all(to.map((address) => sender.send({ ...mail, to: address })));
      expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([...to].sort());
      expect(smtp.connections).toBeGreaterThan(0);
      expect(smtp.connections).toBeLessThanOrEqual(3);
    } finally {
      sender.close?.();
      await smtp.close();
    }
  });
});
