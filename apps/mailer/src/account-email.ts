/**
 * Mail about accounts: the sign-up and email-change confirmations, and the notices an
 * address's owner gets when someone tries to sign up with it or move another account to it.
 * Each says what happened and what to do; none carries a password or anything to act on
 * except, in a confirmation, its single-use link.
 */
import type { AccountMail, AccountNotice } from '@todo/services';
import type { MailSender } from './transport.js';

interface Rendered {
  subject: string;
  paragraphs: string[];
  /** The one button, when there is something to do. */
  action?: { label: string; url: string };
}

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

const until = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const NOT_YOU = 'If this was not you, ignore this email: nothing changes.';

function render(notice: AccountNotice): Rendered {
  switch (notice.kind) {
    case 'confirm-signup':
      return {
        subject: 'Confirm your todo-app account',
        paragraphs: [
          `Someone — hopefully you — signed up for todo-app with ${notice.to}.`,
          `Open the link below to create the account. It works once, until ${until(notice.expiresAt)}.`,
          NOT_YOU,
        ],
        action: { label: 'Create my account', url: notice.link },
      };
    case 'signup-for-existing-account':
      return {
        subject: 'Someone tried to sign up with your email',
        paragraphs: [
          `Someone tried to sign up for todo-app with ${notice.to}, which already has an account. No new account was made.`,
          `To use your account, sign in at ${notice.signInUrl}. If you have lost your password, ask the administrator of this server for help.`,
          NOT_YOU,
        ],
      };
    case 'confirm-email-change':
      return {
        subject: 'Confirm your new todo-app email',
        paragraphs: [
          `Someone — hopefully you — asked to use ${notice.to} as the email of a todo-app account.`,
          `Open the link below to make the change. It works once, until ${until(notice.expiresAt)}.`,
          NOT_YOU,
        ],
        action: { label: 'Use this address', url: notice.link },
      };
    case 'email-change-to-existing-account':
      return {
        subject: 'Someone tried to move an account to your email',
        paragraphs: [
          `Someone tried to make ${notice.to} the email of another todo-app account. ${notice.to} already has an account, yours, so nothing changed.`,
          `Your account is as it was; sign in at ${notice.signInUrl}.`,
          NOT_YOU,
        ],
      };
    case 'project-invitation':
      return {
        subject: `${notice.invitedBy} invited you to "${notice.projectName}" on todo-app`,
        paragraphs: [
          `${notice.invitedBy} invited ${notice.to} to the project "${notice.projectName}" as ${notice.role}.`,
          `Sign in to todo-app with this address — or sign up with it if you have no account — to accept or decline. The invitation is open until ${until(notice.expiresAt)}.`,
          'If you do not want to join, decline it or ignore this email: nothing changes.',
        ],
        action: { label: 'Open todo-app', url: notice.url },
      };
  }
}

export function accountEmail(notice: AccountNotice): { subject: string; text: string; html: string } {
  const { subject, paragraphs, action } = render(notice);
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : [])].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${action ? `<p><a href="${escapeHtml(action.url)}" style="padding:8px 14px;background:#15803d;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>` : ''}
</body></html>`;
  return { subject, text, html };
}

/** Account mail through a sender (SMTP), from the server's address. */
export function accountMailer(sender: MailSender, from: string): AccountMail {
  return {
    send: async (notice) => {
      await sender.send({ from, to: notice.to, ...accountEmail(notice), headers: { 'X-Todo-Account': notice.kind } });
    },
  };
}
