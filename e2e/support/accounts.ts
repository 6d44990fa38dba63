/**
 * Accounts as a person makes them through a running server. Without mail only the first
 * account signs up at once (201); with mail, sign-up answers 202 and the link mailed to the
 * address creates the account — its page's button signs the browser in, as here.
 */
import { takeConfirmationToken, type SmtpCapture } from '@todo/testing';
import { eventually } from './process.js';

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
  timeZone?: string;
}

/** Signs up (through the mailed link when `smtp` is given) and returns the session token. */
export async function signUp(base: string, account: NewAccount, smtp?: SmtpCapture): Promise<{ token: string }> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  const text = await res.text();
  if (res.status === 201 && !smtp) return JSON.parse(text) as { token: string };
  if (res.status !== 202 || !smtp) throw new Error(`POST /api/auth/signup: ${res.status} ${text}`);
  const link = await eventually(
    () => {
      try {
        return takeConfirmationToken(smtp, account.email);
      } catch {
        return undefined;
      }
    },
    20_000,
    `the confirmation mail to ${account.email}`,
  );
  const confirmed = await fetch(`${base}/confirm/${link}`, { method: 'POST', headers: { origin: base } });
  const token = /todo_session=([^;]+)/.exec(confirmed.headers.getSetCookie().join(';'))?.[1];
  if (!token) throw new Error(`POST /confirm: ${confirmed.status} ${await confirmed.text()}`);
  return { token };
}
