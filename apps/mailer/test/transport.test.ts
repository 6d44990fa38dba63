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
    try {
      await smtpSender(smtp.url).send(mail);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatchObject({ subject: 'Reminder: Pay rent', to: ['pat@example.test'] });
      expect(smtp.messages[0]!.text.trim()).toBe('plain');
    } finally {
      await smtp.close();
    }
  });
});
