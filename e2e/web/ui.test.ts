/**
 * Issue #6 acceptance: the web UI end to end — a real `todo start` (serving apps/web/dist),
 * Debian's Chromium driven by playwright-core, axe-core on every main screen, screenshots of
 * the main screens at desktop and phone width into docs/screenshots/.
 * Outcomes on real timers (SSE, the reminder) are awaited by polling the UI, bounded.
 */
import { existsSync, rmSync } from 'node:fs';
import { tempDataDir } from '@todo/testing';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { describeViolations, launchChromium, root, screenshot, seriousViolations, wallTime } from './browser.js';

const ZONE = 'Europe/Berlin';
const EMAIL = `ada${Date.now()}@example.org`;
const PASSWORD = 'correct horse battery';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('web UI in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const shots: string[] = [];

  const expectAccessible = async (screen: string) => {
    const violations = await seriousViolations(page);
    expect(violations, `${screen}: serious/critical axe violations\n${describeViolations(violations)}`).toEqual([]);
  };
  const row = (title: string) => page.locator('li.task', { has: page.locator('.task-title', { hasText: title }) });
  const waitForRow = async (title: string) => {
    try {
      await row(title).first().waitFor({ timeout: 15_000 });
    } catch (error) {
      const seen = await page.locator('.task-title, .toast, .state').allTextContents();
      throw new Error(`no row "${title}" at ${page.url()}; the page shows: ${JSON.stringify(seen)}`, { cause: error });
    }
  };

  beforeAll(async () => {
    if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
      throw new Error('apps/web/dist is missing: build the UI first (npm run build -w @todo/web)');
    }
    dataDir = tempDataDir('todo-web-e2e-');
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir }, 90_000), launchChromium()]);
    context = await browser.newContext({ viewport: DESKTOP, timezoneId: ZONE, locale: 'en-GB', colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs up', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await expectAccessible('log in');
    shots.push(await screenshot(page, 'login-desktop'));
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    // A problem+json field error is shown next to its field.
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('must be at least 10 characters').waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible('sign up with errors');
    await page.getByLabel('Name (optional)').fill('Ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.getByText('No tasks here').waitFor();
    await expectAccessible('empty today');
  });

  it('quick-adds a recurring task with a reminder', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
    await page.keyboard.press('n'); // shortcut: focus quick add
    expect(await page.evaluate('document.activeElement.id')).toBe('quick-add');
    await page.keyboard.type('Pay rent every month on the 1st at 9am #home !high remind me 1 hour before');
    await page.getByText('🔁 every month on day 1').waitFor(); // the live parse preview: the rule as understood
    await page.keyboard.press('Enter');
    await waitForRow('Pay rent');
    const meta = row('Pay rent').locator('.task-meta');
    await eventually(async () => ((await meta.textContent()) ?? '').includes('09:00') || undefined, 10_000, 'the saved task row');
    const text = (await meta.textContent()) ?? '';
    expect(text).toMatch(/monthly|every month/i);
    expect(text).toContain('#home');
    expect(text).toContain('high');
    // More tasks for search and filters.
    for (const line of ['Buy milk tomorrow #errands', 'Write report friday !urgent @work', 'Call the bank']) {
      await page.getByLabel('Add a task').fill(line);
      await page.getByLabel('Add a task').press('Enter');
      await waitForRow(line.split(/ (tomorrow|friday|#|!)/)[0]!);
    }
    await eventually(
      async () => (await page.locator('li.task:not([aria-busy])').count()) === 4 || undefined,
      10_000,
      'four saved rows',
    );
    await expectAccessible('task list');
    shots.push(await screenshot(page, 'tasks-desktop'));
  });

  it('edits the task, shows field errors and the recurrence preview', async () => {
    await row('Pay rent').locator('.task-title').click();
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    await editor.waitFor();
    // The API's next 5 occurrences for the rule.
    const occurrences = editor.getByRole('list', { name: 'Next occurrences' }).locator('li');
    await eventually(async () => (await occurrences.count()) === 5 || undefined, 10_000, 'the 5-occurrence preview');
    const first = (await occurrences.first().textContent()) ?? '';
    expect(first).toMatch(/^\d{4}-\d{2}-01 09:00$/);
    expect(await editor.getByLabel('RRULE or phrase').inputValue()).toContain('FREQ=MONTHLY');
    // An invalid title comes back as a problem+json field error next to the field.
    // (Saved as typed: the refusal comes back without a Save button.)
    await editor.getByLabel('Title').fill('   ');
    await editor.locator('.field-error').first().waitFor();
    expect(await editor.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await editor.getByLabel('Title').fill('Pay rent for the flat');
    await editor
      .getByRole('textbox', { name: 'Description (Markdown)' })
      .fill('Transfer to **landlord**\n\n- [ ] check amount\n\n<script>alert(1)</script>');
    await editor.getByRole('tab', { name: 'Preview' }).click();
    await editor.locator('.markdown strong', { hasText: 'landlord' }).waitFor();
    expect(await editor.locator('.markdown script').count()).toBe(0);
    await expectAccessible('task editor');
    await editor.evaluate((el) => el.scrollTo(0, 0));
    shots.push(await screenshot(page, 'editor-desktop'));
    await editor.getByRole('button', { name: 'Close', exact: true }).click();
    await editor.waitFor({ state: 'detached' });
    await waitForRow('Pay rent for the flat');
  });

  it('completes it and the next occurrence appears', async () => {
    const original = await row('Pay rent for the flat').getAttribute('data-task-id');
    const firstDue = (await row('Pay rent for the flat').locator('.due, .overdue').textContent()) ?? '';
    await row('Pay rent for the flat').locator('.task-title').focus();
    await page.keyboard.press('x'); // shortcut: complete the selected task
    await eventually(
      async () => {
        const ids = await page
          .locator('li.task', { has: page.locator('.task-title', { hasText: 'Pay rent for the flat' }) })
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
        return ids.length === 1 && ids[0] !== original ? true : undefined;
      },
      15_000,
      'the next occurrence in the list',
    );
    const nextDue = (await row('Pay rent for the flat').locator('.due, .overdue').textContent()) ?? '';
    expect(nextDue).not.toBe(firstDue);
    await page.getByRole('link', { name: 'Completed' }).click();
    await waitForRow('Pay rent for the flat');
    await page.getByRole('link', { name: 'All tasks' }).click();
    await waitForRow('Call the bank');
  });

  it('delivers an in-app reminder', async () => {
    await row('Call the bank').locator('.task-title').click();
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    await editor.getByRole('button', { name: 'Add reminder' }).click();
    await editor.getByLabel('Reminder 1 type').selectOption('absolute');
    await editor.getByLabel(/Remind at/).fill(wallTime(new Date(Date.now() + 3_000), ZONE));
    await editor.getByRole('button', { name: 'Close', exact: true }).click();
    await editor.waitFor({ state: 'detached' });
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await eventually(
      async () => ((await bell.getAttribute('aria-label')) ?? '').includes('1 unread') || undefined,
      45_000,
      'the in-app reminder',
    );
    await page.getByText('⏰ Reminder: Call the bank').waitFor();
    await bell.click();
    const panel = page.getByRole('complementary', { name: 'Notifications' });
    await panel
      .getByRole('button', { name: /Call the bank/ })
      .first()
      .waitFor();
    await expectAccessible('notifications');
    shots.push(await screenshot(page, 'notifications-desktop'));
    // Snooze (a new absolute reminder in an hour, through the task API) also marks it read.
    await panel.getByRole('button', { name: 'Snooze 1 hour: Call the bank' }).click();
    await page.getByText('Snoozed “Call the bank” for 1 hour').waitFor();
    await eventually(
      async () => ((await bell.getAttribute('aria-label')) ?? '') === 'Notifications' || undefined,
      5_000,
      'no unread left',
    );
    expect(await panel.getByRole('button', { name: 'Mark read: Call the bank' }).count()).toBe(0);
    // The fired reminder is dropped, the snooze is one absolute reminder an hour from now.
    const found = (await page.evaluate(`fetch('/api/tasks?q=bank').then((r) => r.json())`)) as {
      items: { reminders: { type: string; at?: string }[] }[];
    };
    const reminders = found.items[0]?.reminders ?? [];
    expect(reminders).toHaveLength(1);
    expect(Date.parse(reminders[0]!.at!) - Date.now()).toBeGreaterThan(50 * 60_000);
    await panel.getByRole('button', { name: 'Close notifications' }).click();
  });

  it('searches as you type', async () => {
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('/'); // shortcut: focus search
    expect(await page.evaluate('document.activeElement.id')).toBe('search');
    await page.keyboard.type('milk');
    await page.getByRole('heading', { name: 'Search: “milk”' }).waitFor();
    await eventually(async () => (await page.locator('li.task').count()) === 1 || undefined, 10_000, 'one search hit');
    await waitForRow('Buy milk');
    await page.getByLabel('Search tasks').fill('');
    await eventually(async () => (await page.locator('li.task').count()) === 4 || undefined, 10_000, 'all rows back');
  });

  it('filters by priority and by tag view', async () => {
    await page.getByText('Filters and sort').click();
    await page.getByRole('checkbox', { name: 'urgent' }).check();
    await eventually(async () => (await page.locator('li.task').count()) === 1 || undefined, 10_000, 'one urgent task');
    await waitForRow('Write report');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => (await page.locator('li.task').count()) === 4 || undefined, 10_000, 'filters cleared');
    await page.getByRole('link', { name: '#errands' }).click();
    await page.getByRole('heading', { name: '#errands', level: 1 }).waitFor();
    await eventually(async () => (await page.locator('li.task').count()) === 1 || undefined, 10_000, 'the tag view');
    await page.getByRole('link', { name: 'work', exact: true }).click();
    await waitForRow('Write report');
  });

  it('shows live changes made elsewhere (SSE)', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await waitForRow('Call the bank');
    const other = await context.newPage(); // same session, another tab
    await other.goto(`${server.url}/all`);
    await other.getByLabel('Add a task').fill('Added in another tab');
    await other.getByLabel('Add a task').press('Enter');
    await other.locator('li.task:not([aria-busy]) .task-title', { hasText: 'Added in another tab' }).waitFor(); // saved
    await other.close();
    await waitForRow('Added in another tab');
  });

  it('asks again with the ETag and gets 304 for an unchanged list, instead of the whole page', async () => {
    const notModified = async () => {
      const metrics = await (await fetch(server.metricsUrl)).text();
      return Number(/^todo_task_list_pages_total\{outcome="not_modified"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };
    const before = await notModified();
    await page.reload();
    await waitForRow('Added in another tab');
    expect(await notModified()).toBeGreaterThan(before);
  });

  it('has settings with API tokens shown once', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByRole('main').getByLabel('Time zone').inputValue()).toBe(ZONE);
    await page.getByLabel('Reminder hour for all-day tasks').selectOption('8');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByLabel('Token name').fill('Laptop script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('New token secret').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.getByRole('cell', { name: 'Laptop script', exact: true }).waitFor();
    await expectAccessible('settings');
    shots.push(await screenshot(page, 'settings-desktop'));
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByLabel('New token secret').count()).toBe(0);
  });

  it('opens the assistant and explains when chat is unavailable', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await waitForRow('Call the bank');
    // This server has no model: no assistant button (defects.test.ts tests both ways). The
    // panel's contract is tested with a server that says it has one.
    expect(await page.getByRole('button', { name: 'Assistant' }).count()).toBe(0);
    await page.route('**/api/chat/status', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"available":true}' }),
    );
    await page.reload();
    await page.getByRole('button', { name: 'Assistant' }).click();
    await page.getByLabel('Message the assistant').fill('What is due this week?');
    await page.getByRole('button', { name: 'Send' }).click();
    const chat = page.getByRole('complementary', { name: 'Assistant' });
    // The "Thinking…" placeholder is text too: wait for the answer that replaces it.
    await eventually(
      async () => {
        const text = (await chat.locator('.msg.assistant').first().textContent()) ?? '';
        return (text.length > 0 && !text.includes('Thinking…')) || undefined;
      },
      30_000,
      'an assistant answer',
    );
    expect(await chat.locator('.msg.assistant').first().textContent()).toMatch(/not available|not set up/);
    // 503 CHAT_NOT_CONFIGURED, then a streamed answer with a tool call (the /api/chat contract).
    await page.route('**/api/chat', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, code: 'CHAT_NOT_CONFIGURED', detail: 'no chat model configured' }),
      }),
    );
    await page.getByLabel('Message the assistant').fill('Hello?');
    await page.getByRole('button', { name: 'Send' }).click();
    await chat.locator('.msg.assistant').last().getByText('The assistant is not set up').waitFor();
    await page.unroute('**/api/chat');
    const stream = [
      ['tool_call', { name: 'list_tasks', arguments: { dueBefore: '2026-12-04' } }],
      ['tool_result', { name: 'list_tasks', ok: true }],
      ['delta', { text: 'You have ' }],
      ['delta', { text: '2 tasks due this week.' }],
      ['done', { conversationId: 'c-1' }],
    ]
      .map(([event, data]) => `event: ${String(event)}\ndata: ${JSON.stringify(data)}\n\n`)
      .join('');
    await page.route('**/api/chat', (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: stream }));
    await page.getByLabel('Message the assistant').fill('What is due this week?');
    await page.getByRole('button', { name: 'Send' }).click();
    await chat.locator('.msg.assistant').last().getByText('You have 2 tasks due this week.').waitFor();
    await chat
      .locator('.msg.assistant')
      .last()
      .getByText(/list_tasks.*done/)
      .waitFor();
    await page.unroute('**/api/chat');
    await expectAccessible('assistant');
    shots.push(await screenshot(page, 'assistant-desktop'));
    await chat.getByRole('button', { name: 'Close assistant' }).click();
    await page.unroute('**/api/chat/status');
  });

  it('looks right at phone width and in dark mode', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/all`);
    await waitForRow('Call the bank');
    await expectAccessible('phone list');
    shots.push(await screenshot(page, 'tasks-phone'));
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Upcoming' }).waitFor();
    shots.push(await screenshot(page, 'menu-phone'));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'All tasks' }).click();
    await row('Pay rent for the flat').locator('.task-title').click();
    await page
      .getByRole('dialog', { name: /Edit task/ })
      .getByRole('list', { name: 'Next occurrences' })
      .waitFor();
    shots.push(await screenshot(page, 'editor-phone'));
    await page.getByRole('button', { name: 'Close editor' }).click();
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page
      .getByRole('complementary', { name: 'Notifications' })
      .getByRole('button', { name: /Call the bank/ })
      .first()
      .waitFor();
    await expectAccessible('phone notifications');
    shots.push(await screenshot(page, 'notifications-phone'));
    await page.getByRole('button', { name: 'Close notifications' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    shots.push(await screenshot(page, 'settings-phone'));
    await page.goto(`${server.url}/all`);
    await waitForRow('Call the bank');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible('phone list, dark');
    shots.push(await screenshot(page, 'tasks-phone-dark'));
    await page.setViewportSize(DESKTOP);
    await expectAccessible('desktop list, dark');
    shots.push(await screenshot(page, 'tasks-desktop-dark'));
    await page.emulateMedia({ colorScheme: 'light' });
  }, 90_000);

  it('logs out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.setViewportSize(PHONE);
    shots.push(await screenshot(page, 'login-phone'));
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.url}/all`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor(); // the session is gone
    // And back in with the same account.
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor(); // where the link went
    expect(shots.length).toBeGreaterThanOrEqual(10);
  });
});
