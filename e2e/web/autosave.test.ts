/**
 * Issue #24, "edits lost without warning", in Chromium against a real `todo start`: the editor
 * saves as you type (Esc, switching task and leaving the page keep the typing), a change made
 * in another tab while typing shows "changed elsewhere" with both choices working, and the
 * editor, the search and the filters have addresses that survive a reload and back/forward.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@todo/testing';
import { eventually, startServer, type ServerProcess } from '../support/process.js';
import { describeViolations, launchChromium, root, screenshot, seriousViolations } from './browser.js';

const EMAIL = `ada${Date.now()}@example.org`;
const PASSWORD = 'correct horse battery';

describe('web editor: save as you type, conflicts and addresses (issue #24) in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const pageErrors: string[] = [];

  const row = (title: string) =>
    page.locator('li.task', { has: page.locator(':scope > .task-main > .task-title', { hasText: title }) });
  const editor = () => page.getByRole('dialog', { name: /Edit task/ });
  /** The API from a page, as the signed-in user. */
  const apiCall = (from: Page, method: string, path: string, body?: unknown) =>
    from.evaluate(
      async ([m, p, b]) => {
        const res = await fetch(p as string, {
          method: m as string,
          headers: { 'content-type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return (await res.json()) as { id: string; number: number; title: string; description: string };
      },
      [method, path, body] as const,
    );
  const serverTitle = async (id: string) => (await apiCall(page, 'GET', `/api/tasks/${id}`)).title;
  const titleBecomes = (id: string, title: string) =>
    eventually(async () => ((await serverTitle(id)) === title ? true : undefined), 10_000, `title "${title}" saved`);
  const create = (title: string) => apiCall(page, 'POST', '/api/tasks', { title });
  const openAll = async () => {
    await page.goto(`${server.url}/all`);
    await page.getByRole('heading', { name: 'All tasks', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
      throw new Error('apps/web/dist is missing: build the UI first (npm run build -w @todo/web)');
    }
    dataDir = tempDataDir('todo-web-autosave-');
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir }, 90_000), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
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

  it('keeps a title typed and left with Esc at once, and shows it after a reload', async () => {
    const task = await create('Esc draft');
    await openAll();
    await row('Esc draft').locator('.task-title').click();
    await editor().getByLabel('Title').fill('Esc draft, typed then left');
    await page.keyboard.press('Escape');
    await editor().waitFor({ state: 'detached' });
    await titleBecomes(task.id, 'Esc draft, typed then left');
    await page.reload();
    await row('Esc draft, typed then left').waitFor();
  });

  it('keeps typing when another task is opened mid-word, and says when it saved', async () => {
    const one = await create('Switch one');
    await create('Switch two');
    await openAll();
    await row('Switch one').locator('.task-title').click();
    await editor().getByLabel('Title').fill('Switch one, half-typ');
    await row('Switch two').locator('.task-title').click();
    await eventually(async () => (await editor().getByLabel('Title').inputValue()) === 'Switch two' || undefined, 5_000, 'two open');
    await titleBecomes(one.id, 'Switch one, half-typ');
    // Typing pauses: the status says it saved, without a Save button to press.
    await editor().getByLabel('Title').fill('Switch two, paused');
    await editor().getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await editor().getByRole('button', { name: 'Save' }).count()).toBe(0);
    await row('Switch two, paused').waitFor();
  });

  it('saves what is typed as the page is left (keepalive)', async () => {
    const task = await create('Leaving');
    await openAll();
    await row('Leaving').locator('.task-title').click();
    await editor().getByRole('textbox', { name: 'Description (Markdown)' }).fill('typed just before leaving');
    await page.goto('about:blank');
    await page.goto(`${server.url}/all`);
    await eventually(
      async () => ((await apiCall(page, 'GET', `/api/tasks/${task.id}`)).description === 'typed just before leaving' ? true : undefined),
      10_000,
      'the description saved on pagehide',
    );
  });

  /**
   * Types in the editor while the other tab changes the same field; the editor's save is held
   * until that change is in, so it is refused (412) and the bar shows.
   */
  async function conflictOn(title: string, mine: string, theirs: string, other: Page) {
    const task = await create(title);
    await openAll();
    await row(title).locator('.task-title').click();
    let release!: () => void;
    const otherTabDone = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/api/tasks/${task.id}`, async (route) => {
      if (route.request().method() === 'PATCH') await otherTabDone;
      await route.continue();
    });
    await editor().getByLabel('Title').fill(mine);
    await apiCall(other, 'PATCH', `/api/tasks/${task.id}`, { title: theirs, description: 'from the other tab' });
    release();
    const bar = editor().getByRole('alert').filter({ hasText: 'changed elsewhere' });
    await bar.waitFor();
    await page.unroute(`**/api/tasks/${task.id}`);
    // Both versions of the field both sides changed; the other tab's other change is merged in.
    expect(await bar.getByRole('row', { name: /Title/ }).textContent()).toContain(mine);
    expect(await bar.getByRole('row', { name: /Title/ }).textContent()).toContain(theirs);
    expect(await editor().getByLabel('Title').inputValue()).toBe(mine);
    await eventually(
      async () =>
        (await editor().getByRole('textbox', { name: 'Description (Markdown)' }).inputValue()) === 'from the other tab' || undefined,
      5_000,
      'the other change merged',
    );
    return { task, bar };
  }

  it('shows a change made in another tab while typing, with "Keep mine" and "Take theirs" both working', async () => {
    const other = await context.newPage();
    await other.goto(`${server.url}/all`);

    const first = await conflictOn('Clash one', 'Clash one: mine', 'Clash one: theirs', other);
    expect(await serverTitle(first.task.id)).toBe('Clash one: theirs'); // nothing of mine written yet
    const violations = await seriousViolations(page);
    expect(violations, `editor with the bar: serious/critical axe violations\n${describeViolations(violations)}`).toEqual([]);
    await screenshot(page, 'editor-conflict-desktop');
    // Esc does not leave the choice unmade.
    await page.keyboard.press('Escape');
    expect(await first.bar.isVisible()).toBe(true);
    await first.bar.getByRole('button', { name: 'Keep mine' }).click();
    await first.bar.waitFor({ state: 'detached' });
    await titleBecomes(first.task.id, 'Clash one: mine');
    expect(await editor().getByLabel('Title').inputValue()).toBe('Clash one: mine');
    expect((await apiCall(page, 'GET', `/api/tasks/${first.task.id}`)).description).toBe('from the other tab');

    const second = await conflictOn('Clash two', 'Clash two: mine', 'Clash two: theirs', other);
    await second.bar.getByRole('button', { name: 'Take theirs' }).click();
    await second.bar.waitFor({ state: 'detached' });
    expect(await editor().getByLabel('Title').inputValue()).toBe('Clash two: theirs');
    await editor().getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await serverTitle(second.task.id)).toBe('Clash two: theirs');
    await other.close();
    expect(pageErrors).toEqual([]);
  });

  it('gives the editor, the search and the filters an address: reload and back/forward keep them', async () => {
    const task = await create('Addressed task');
    await openAll();
    await page.getByLabel('Search tasks').fill('Addressed');
    await eventually(async () => new URL(page.url()).searchParams.get('q') === 'Addressed' || undefined, 5_000, 'q in the address');
    await row('Addressed task').locator('.task-title').click();
    await editor().waitFor();
    expect(new URL(page.url()).searchParams.get('task')).toBe(task.id);

    await page.reload();
    await eventually(async () => (await editor().getByLabel('Title').inputValue()) === 'Addressed task' || undefined, 10_000, 'reopened');
    expect(await page.getByLabel('Search tasks').inputValue()).toBe('Addressed');
    await page.getByRole('heading', { name: 'Search: “Addressed”', level: 1 }).waitFor();

    await page.goBack();
    await editor().waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('q')).toBe('Addressed');
    await page.goForward();
    await editor().waitFor();
    // A task's number works too.
    await page.goto(`${server.url}/all?task=${task.number}`);
    await eventually(async () => (await editor().getByLabel('Title').inputValue()) === 'Addressed task' || undefined, 10_000, 'by number');
    expect(new URL(page.url()).searchParams.get('task')).toBe(String(task.number));
  });
});
