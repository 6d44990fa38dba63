import { describe, expect, it } from 'vitest';
import { startSmtpCapture } from '@todo/testing';
import { accountEmail, accountMailer, smtpSender } from '../src/index.js';

const link = 'https://todo.example.com/confirm/abc_DEF-123';
const expiresAt = new Date('2026-11-28T09:00:00Z');

describe('account mail', () => {
  it('a confirmation carries its link, when it stops working, and what to do if it was not you', () => {
    const mail = accountEmail({ kind: 'confirm-signup', to: 'ann@example.test', link, expiresAt });
    expect(mail.subject).toBe('Confirm your todo-app account');
    expect(mail.text).toContain(`Create my account: ${link}`);
    expect(mail.text).toContain('until 2026-11-28 09:00 UTC');
    expect(mail.text).toContain('ignore this email');
    expect(mail.html).toContain(`href="${link}"`);
    const change = accountEmail({ kind: 'confirm-email-change', to: 'ann@example.test', link, expiresAt });
    expect(change.text).toContain(`Use this address: ${link}`);
  });

  it('a notice to an existing account carries no link to act on, only where to sign in', () => {
    for (const kind of ['signup-for-existing-account', 'email-change-to-existing-account'] as const) {
      const mail = accountEmail({ kind, to: 'ann@example.test', signInUrl: 'https://todo.example.com/' });
      expect(mail.text).toContain('https://todo.example.com/');
      expect(mail.text).not.toContain('/confirm/');
      expect(mail.html).not.toContain('/confirm/');
    }
  });

  it('escapes the address in the HTML part (an address may hold an apostrophe or an ampersand)', () => {
    const mail = accountEmail({ kind: 'confirm-signup', to: "o'neil&<b>@example.test", link, expiresAt });
    expect(mail.html).toContain('o&#39;neil&amp;&lt;b&gt;@example.test');
    expect(mail.html).not.toContain('<b>');
  });

  it('goes out over SMTP from the server address, marked with its kind', async () => {
    const smtp = await startSmtpCapture();
    const sender = smtpSender(smtp.url);
    try {
      await accountMailer(sender, 'todo <todo@example.com>').send({
        kind: 'signup-for-existing-account',
        to: 'ann@example.test',
        signInUrl: 'https://todo.example.com/',
      });
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatchObject({
        from: 'todo@example.com',
        to: ['ann@example.test'],
        subject: 'Someone tried to sign up with your email',
      });
      expect(smtp.messages[0]!.headers.get('x-todo-account')).toBe('signup-for-existing-account');
    } finally {
      sender.close?.();
      await smtp.close();
    }
  });
});
