/**
 * Sign-up in the browser on a server with mail: the form answers "Check your email" (for a
 * free and a taken address alike), and the link in the mail, opened in the same browser,
 * creates the account and signs it in. A real `todo start`, a real SMTP server, Chromium.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, takeConfirmationToken, tempDataDir, type SmtpCapture } from '@todo/testing';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { describeViolations, launchChromium, root, seriousViolations } from './browser.js';

const PASSWORD = 'correct horse battery';

describe('web sign-up confirmed by mail, in Chromium', () => {
  let server: ServerProcess;
  let smtp: SmtpCapture;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
      throw new Error('apps/web/dist is missing: build the UI first (npm run build -w @todo/web)');
    }
    dataDir = tempDataDir('todo-web-mail-');
    smtp = await startSmtpCapture();
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir, SMTP_URL: smtp.url }, 90_000), launchChromium()]);
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    await smtp?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const signUp = async (email: string) => {
    await page.goto(`${server.url}/signup`);
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    return (await page.getByRole('status').textContent()) ?? '';
  };
  const confirmationFor = (email: string) =>
    eventually(
      () => {
        try {
          return takeConfirmationToken(smtp, email);
        } catch {
          return undefined;
        }
      },
      20_000,
      `the confirmation mail to ${email}`,
    );

  it('says "check your email", and the mailed link creates the account and signs in', async () => {
    const email = `grace${Date.now()}@example.org`;
    expect(await signUp(email)).toContain(email);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.goto(`${server.url}/confirm/${await confirmationFor(email)}`);
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.getByRole('heading', { name: `Welcome, ${email}.` }).waitFor();
    await page.getByRole('link', { name: 'Open todo-app' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();

    // The same address again: the same screen, and its owner gets a notice, not a link.
    await page.context().clearCookies();
    expect(await signUp(email)).toContain(email);
    const notice = await eventually(() => smtp.messages.find((m) => m.to.includes(email)), 20_000, 'the notice');
    expect(notice.subject).toBe('Someone tried to sign up with your email');
  });
});
