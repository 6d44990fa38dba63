/**
 * Issue #24, "No undo anywhere", in Chromium against a real `todo start`: completing and
 * deleting show a toast with Undo that truly takes the action back — a repeating task's next
 * occurrence included, a deleted task with its subtasks — Ctrl+Z does the same while the toast
 * is up, and delete no longer asks through the browser's `confirm()`.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@todo/testing';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { describeViolations, launchChromium, root, seriousViolations } from './browser.js';

const EMAIL = `ada${Date.now()}@example.org`;
const PASSWORD = 'correct horse battery';

interface ApiTask {
  id: string;
  title: string;
  status: string;
  seriesId: string | null;
  occurrenceIndex: number | null;
  parentId: string | null;
}

describe('undo in the web UI (issue #24) in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  /** Every dialog the page opened (`confirm()`, `alert()` …): there should be none. */
  const dialogs: string[] = [];

  const row = (title: string) =>
    page.locator('li.task', { has: page.locator(':scope > .task-main > .task-title', { hasText: title }) });
  const undoIn = (text: string) => page.locator('.toast', { hasText: text }).getByRole('button', { name: 'Undo' });
  const apiCall = <T>(method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ([m, p, b]) => {
        const res = await fetch(p as string, {
          method: m as string,
          headers: { 'content-type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return res.status === 204 ? null : ((await res.json()) as unknown);
      },
      [method, path, body] as const,
    ) as Promise<T>;
  const allTasks = async () => (await apiCall<{ items: ApiTask[] }>('GET', '/api/tasks?status=all&limit=200')).items;
  const showAll = async () => {
    await page.goto(`${server.url}/all`);
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
      throw new Error('apps/web/dist is missing: build the UI first (npm run build -w @todo/web)');
    }
    dataDir = tempDataDir('todo-web-undo-');
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir }, 90_000), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
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

  it('Undo on a completed repeating task reopens it and takes back the next occurrence: one open occurrence, no extra', async () => {
    const task = await apiCall<ApiTask>('POST', '/api/tasks', {
      title: 'Water the plants',
      due: { date: '2030-01-07' },
      recurrence: { rule: 'daily' },
    });
    await showAll();
    await row('Water the plants').getByRole('checkbox', { name: 'Complete: Water the plants' }).click();
    // The recurring role makes the next occurrence from the completion's event, on its own time.
    const series = async () => (await allTasks()).filter((t) => t.seriesId === task.id);
    await eventually(async () => ((await series()).length === 2 ? true : undefined), 10_000, 'the next occurrence');

    const undo = undoIn('Completed “Water the plants”');
    await undo.waitFor();
    expect(await seriousViolations(page), describeViolations(await seriousViolations(page))).toEqual([]);
    // A target a thumb can hit, also at phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    const box = (await undo.boundingBox())!;
    expect([box.width >= 44, box.height >= 44]).toEqual([true, true]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await undo.click();
    await eventually(async () => ((await series()).length === 1 ? true : undefined), 10_000, 'the next occurrence gone');
    expect((await series()).map((t) => [t.id, t.occurrenceIndex, t.status])).toEqual([[task.id, 0, 'open']]);
    await eventually(async () => ((await row('Water the plants').count()) === 1 ? true : undefined), 10_000, 'one row');
    await undo.waitFor({ state: 'detached' });
  });

  it('Ctrl+Z undoes a completion while its toast is up, but not while typing', async () => {
    await apiCall('POST', '/api/tasks', { title: 'Call the dentist' });
    await showAll();
    const box = row('Call the dentist').getByRole('checkbox', { name: 'Complete: Call the dentist' });
    await box.click();
    await row('Call the dentist').waitFor({ state: 'detached' });
    await undoIn('Completed “Call the dentist”').waitFor();

    // In a text field, Ctrl+Z is the field's own undo.
    await page.getByLabel('Add a task').fill('half typed');
    await page.getByLabel('Add a task').press('Control+z');
    // Undo dismisses its toast at once: still there, it was not run.
    expect(await undoIn('Completed “Call the dentist”').count()).toBe(1);
    expect((await allTasks()).find((t) => t.title === 'Call the dentist')?.status).toBe('completed');

    await page.getByLabel('Add a task').fill('');
    await page.locator('main h1').click();
    await page.keyboard.press('Control+z');
    await eventually(
      async () => ((await allTasks()).find((t) => t.title === 'Call the dentist')?.status === 'open' ? true : undefined),
      10_000,
      'the task open again',
    );
    await row('Call the dentist').waitFor();
  });

  it('deletes without confirm(), and Undo brings the task back with its subtasks, in this tab and another', async () => {
    const parent = await apiCall<ApiTask>('POST', '/api/tasks', { title: 'Plan the trip', tags: ['travel'] });
    for (const title of ['Book flights', 'Pack bags']) await apiCall('POST', '/api/tasks', { title, parentId: parent.id });
    await showAll();
    // Another tab of the same user sees the delete and the restore live.
    const other = await context.newPage();
    await other.goto(`${server.url}/all`);
    const otherRow = other.locator('li.task', {
      has: other.locator(':scope > .task-main > .task-title', { hasText: 'Plan the trip' }),
    });
    await otherRow.waitFor();
    await row('Plan the trip').locator(':scope > .task-main > .task-title').click();
    const editor = page.getByRole('dialog', { name: /Edit task/ });
    await editor.getByRole('button', { name: 'Delete' }).click();
    await row('Plan the trip').waitFor({ state: 'detached' });
    const family = async () => (await allTasks()).filter((t) => t.id === parent.id || t.parentId === parent.id);
    // The row leaves at once; the delete itself follows.
    await eventually(async () => ((await family()).length === 0 ? true : undefined), 10_000, 'the task deleted');
    await otherRow.waitFor({ state: 'detached' });

    await undoIn('Deleted “Plan the trip”').click();
    await row('Plan the trip').waitFor();
    const back = await family();
    expect(back.map((t) => t.title).sort()).toEqual(['Book flights', 'Pack bags', 'Plan the trip']);
    expect(await apiCall<{ tags: string[] }>('GET', `/api/tasks/${parent.id}`)).toMatchObject({ tags: ['travel'] });
    await row('Book flights').waitFor();
    await otherRow.waitFor();
    await other.close();
    expect(dialogs).toEqual([]);
  });
});
