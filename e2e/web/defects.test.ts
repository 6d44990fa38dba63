/**
 * Issue #24's defects, each proved in Chromium against a real `todo start`: subtasks nested
 * under their parent, search as you type matching word prefixes, quick-add phrases, keyboard
 * focus, the shortcut sheet, touch targets at phone width, the assistant only when a model is
 * configured, and a deep link kept through log in. axe-core runs on the screens each changes.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@todo/testing';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { describeViolations, launchChromium, root, seriousViolations } from './browser.js';

const ZONE = 'Europe/Berlin';
const EMAIL = `grace${Date.now()}@example.org`;
const PASSWORD = 'correct horse battery';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('web UI defects (issue #24) in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;

  const expectAccessible = async (screen: string) => {
    const violations = await seriousViolations(page);
    expect(violations, `${screen}: serious/critical axe violations\n${describeViolations(violations)}`).toEqual([]);
  };
  /** A row by its own title (not a row that merely contains it, as a parent contains its subtasks). */
  const row = (title: string) =>
    page.locator('li.task', { has: page.locator(':scope > .task-main > .task-title', { hasText: title }) });
  const topRows = () => page.locator('main ul.task-list:not(.nested) > li.task');
  const saved = () =>
    eventually(async () => (await page.locator('li.task[aria-busy]').count()) === 0 || undefined, 10_000, 'saved rows');
  /** The API from the page, as the signed-in user (the session cookie; the browser sends Origin). */
  const apiCall = (method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ([m, p, b]) => {
        const res = await fetch(p as string, {
          method: m as string,
          headers: { 'content-type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
      },
      [method, path, body] as const,
    );
  const quickAdd = async (text: string) => {
    await page.getByLabel('Add a task').fill(text);
    await page.getByLabel('Add a task').press('Enter');
    await saved();
  };

  beforeAll(async () => {
    if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
      throw new Error('apps/web/dist is missing: build the UI first (npm run build -w @todo/web)');
    }
    dataDir = tempDataDir('todo-web-defects-');
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir }, 90_000), launchChromium()]);
    context = await browser.newContext({ viewport: DESKTOP, timezoneId: ZONE, locale: 'en-GB', colorScheme: 'light' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('nests subtasks under their parent with progress, folds them, and names the parent of a subtask listed without it', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
    await quickAdd('Plan the trip');
    await quickAdd('Water the plants');
    await row('Plan the trip').locator('.task-title').click();
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    for (const title of ['Book flights', 'Pack bags', 'Renew passport']) {
      await editor.getByLabel('New subtask').fill(title);
      await editor.getByRole('button', { name: 'Add subtask' }).click();
      await editor.getByRole('checkbox', { name: title }).waitFor();
    }
    await editor.getByRole('checkbox', { name: 'Book flights' }).check();
    await page.getByRole('button', { name: 'Close editor' }).click();

    // Two top-level rows, not five; the open subtasks under their parent, which shows 1 of 3 done.
    await eventually(async () => (await row('Pack bags').count()) === 1 || undefined, 10_000, 'the subtasks in the list');
    await eventually(
      async () => ((await row('Plan the trip').locator('.progress').textContent()) ?? '').includes('1/3') || undefined,
      10_000,
      'the progress 1/3',
    );
    expect(await topRows().locator(':scope > .task-main > .task-title').allTextContents()).toEqual([
      'Plan the trip',
      'Water the plants',
    ]);
    const group = page.getByRole('list', { name: 'Subtasks of Plan the trip' });
    expect(await group.locator('.task-title').allTextContents()).toEqual(['Pack bags', 'Renew passport']);
    expect(await row('Plan the trip').locator('.progress').textContent()).toContain('1 of 3 subtasks done');
    await expectAccessible('list with subtasks');

    // Folded away and back; the toggle says which.
    const toggle = row('Plan the trip').getByRole('button', { name: 'Subtasks of Plan the trip' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    await group.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expectAccessible('list with folded subtasks');
    await toggle.click();
    await group.waitFor();
    await page.setViewportSize(PHONE);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible('list with subtasks, phone, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);

    // A subtask due today, in Today without its undated parent: a row of its own that names the parent.
    const pack = (await apiCall('GET', '/api/tasks?q=pack')) as { items: { id: string }[] };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
    await apiCall('PATCH', `/api/tasks/${pack.items[0]!.id}`, { due: { date: today } });
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await row('Pack bags').waitFor();
    expect(await row('Pack bags').locator('.parent-context').textContent()).toBe('↳ Subtask of Plan the trip');
    expect(await topRows().count()).toBe(1);
    await expectAccessible('today with a subtask');
  });

  it('searches as you type: a word is found by its first letters', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await quickAdd('Call the dentist');
    await quickAdd('Buy toothpaste for the dentist visit');
    const search = page.getByLabel('Search tasks');
    for (const typed of ['dent', 'dentis', 'dentist']) {
      await search.fill(typed);
      await page.getByRole('heading', { name: `Search: “${typed}”` }).waitFor();
      await eventually(async () => (await page.locator('li.task').count()) === 2 || undefined, 10_000, `two hits for ${typed}`);
    }
    await search.fill('call dent');
    await eventually(async () => (await page.locator('li.task').count()) === 1 || undefined, 10_000, 'one hit for call dent');
    await row('Call the dentist').waitFor();
    await search.fill('');
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
  });

  it('quick add takes common date and repeat phrases out of the title, and promises no repeat it cannot make', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
    const input = page.getByLabel('Add a task');
    const chips = page.locator('#quick-add-help .chip');
    for (const [typed, title, chip] of [
      ['Dentist yesterday', 'Dentist', '📅'],
      ['Review next week', 'Review', '📅'],
      ['Pay on the 15th', 'Pay', '📅'],
      ['Standup 09:00', 'Standup', '🕘 09:00'],
      ['Meet next week friday', 'Meet', '📅'],
      ['Gym every fortnight', 'Gym', '🔁 every 2 weeks'],
      ['Run every other tuesday', 'Run', '🔁 every 2 weeks on Tuesday'],
      ['Yoga every two weeks', 'Yoga', '🔁 every 2 weeks'],
    ] as const) {
      await input.fill(typed);
      await eventually(
        async () => (await chips.first().textContent()) === title || undefined,
        5_000,
        `the title chip of ${typed}`,
      );
      expect(await chips.allTextContents(), typed).toContainEqual(expect.stringContaining(chip));
      await input.press('Enter');
      await saved();
      await row(title).first().waitFor();
    }
    const titles = await page.locator('li.task .task-title').allTextContents();
    for (const title of ['Dentist', 'Review', 'Pay', 'Standup', 'Meet', 'Gym', 'Run', 'Yoga']) expect(titles).toContain(title);
    expect(await row('Gym').locator('.task-meta').textContent()).toContain('every 2 weeks');
    expect(await row('Run').locator('.task-meta').textContent()).toContain('every 2 weeks on Tuesday');
    expect(await page.locator('.toast', { hasText: 'Could not add' }).count()).toBe(0);

    // Words the recurrence grammar does not know stay in the title, with no repeat chip.
    await input.fill('Dance every blue moon');
    await eventually(
      async () => (await chips.first().textContent()) === 'Dance every blue moon' || undefined,
      5_000,
      'the title chip',
    );
    expect(await chips.filter({ hasText: '🔁' }).count()).toBe(0);
    await input.press('Enter');
    await saved();
    await row('Dance every blue moon').waitFor();
    expect(await row('Dance every blue moon').locator('.recurs').count()).toBe(0);
  });

  it('keeps keyboard focus on the list: x moves it to the next row, Esc from the editor back to its row', async () => {
    await page.getByRole('link', { name: 'All tasks' }).click();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
    for (const title of ['Focus one', 'Focus two', 'Focus three']) await quickAdd(title);
    const focusedRow = () =>
      page.evaluate<string | null>(`document.activeElement?.closest('li.task')?.getAttribute('data-task-id') ?? null`);
    // Added rows show first until the list comes back from the server in its order (undated last, oldest first).
    await eventually(
      async () => (await page.locator('li.task .task-title').last().textContent()) === 'Focus three' || undefined,
      10_000,
      'the list in its order',
    );
    const ids = await page.locator('li.task').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')!));
    const two = (await row('Focus two').getAttribute('data-task-id'))!;
    const after = ids[ids.indexOf(two) + 1]!;

    await row('Focus two').locator('.task-title').focus();
    await page.keyboard.press('x');
    await row('Focus two').waitFor({ state: 'detached' });
    await eventually(async () => (await focusedRow()) === after || undefined, 5_000, 'focus on the row after the completed one');
    expect(await page.locator('li.task.selected').getAttribute('data-task-id')).toBe(after);

    // Enter opens the editor (its address names the task); Esc closes it, focus back on the row.
    await page.keyboard.press('Enter');
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    await editor.waitFor();
    expect(new URL(page.url()).searchParams.get('task')).toBe(after);
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await eventually(async () => (await focusedRow()) === after || undefined, 5_000, 'focus back on the edited row');
    expect(new URL(page.url()).searchParams.get('task')).toBeNull();
    // And the keyboard goes on from there.
    await page.keyboard.press('k');
    const remaining = ids.filter((id) => id !== two);
    expect(await focusedRow()).toBe(remaining[Math.max(0, remaining.indexOf(after) - 1)]);
  });

  it('shows the keyboard shortcuts on ? in an accessible dialog, and gives focus back after it', async () => {
    await row('Focus one').locator('.task-title').focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    expect(await page.evaluate(`document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby')`)).toBe(
      'shortcuts-title',
    );
    expect(await sheet.locator('dt').allTextContents()).toEqual(expect.arrayContaining(['n', '/', 'j / k', 'x', 'Esc', '?']));
    // Modal: keys go to the sheet, not to the list behind it.
    await page.keyboard.press('x');
    expect(await row('Focus one').count()).toBe(1);
    await expectAccessible('shortcut sheet');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Focus one');
    await page.keyboard.press('?');
    await sheet.getByRole('button', { name: 'Close shortcuts' }).click();
    await sheet.waitFor({ state: 'detached' });
  });

  it('gives each complete box a touch target of at least 44×44 px at phone width', async () => {
    await page.setViewportSize(PHONE);
    try {
      await row('Focus one').waitFor();
      const target = row('Focus one').locator('.complete-target');
      const box = (await target.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.height).toBeGreaterThanOrEqual(44);
      // The whole target works, not only the 21 px box in its middle: a tap near its corner completes.
      await page.mouse.click(box.x + 3, box.y + 3);
      await row('Focus one').waitFor({ state: 'detached' });
      await expectAccessible('phone list');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('offers the assistant only when the server has a model', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
    await page.getByRole('button', { name: /^Notifications/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Assistant' }).count()).toBe(0);
    await page.route('**/api/chat/status', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"available":true}' }),
    );
    try {
      await page.reload();
      await page.getByRole('button', { name: 'Assistant' }).waitFor();
    } finally {
      await page.unroute('**/api/chat/status');
    }
  });

  it('keeps a deep link to a task, with the search and filters behind it, through log in', async () => {
    const id = (await row('Water the plants').getAttribute('data-task-id'))!;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.goto(`${server.url}/all?q=water&task=${id}`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Search: “water”', level: 1 }).waitFor();
    expect(await page.getByLabel('Search tasks').inputValue()).toBe('water');
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    await editor.waitFor();
    expect(await editor.getByLabel('Title').inputValue()).toBe('Water the plants');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/all?q=water&task=${id}`);
    await page.getByRole('button', { name: 'Close editor' }).click();
    await editor.waitFor({ state: 'detached' });
    expect(new URL(page.url()).search).toBe('?q=water');
  });
});
