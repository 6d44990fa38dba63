/** The reminder email: HTML and plain text, every user-supplied string escaped, so a task title cannot inject markup. */
import type { Task } from '@todo/domain';

export interface ReminderEmailInput {
  task: Task;
  recipientName: string | null;
  timeZone: string;
  doneUrl: string;
  snoozeUrl: string;
  openUrl: string;
}

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** The due in the reader's own zone, e.g. "Tue, 1 Dec 2026, 09:00 (Europe/Berlin)". */
export function formatDue(task: Task, timeZone: string): string | null {
  if (!task.due || !task.dueAt) return null;
  if ('date' in task.due) {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone: 'UTC' }).format(
      new Date(`${task.due.date}T00:00:00Z`),
    );
  }
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(task.dueAt),
  );
  return `${when} (${timeZone})`;
}

/** The zone a reminder is written in: the due's own zone when it has one, else its owner's. */
export function reminderTimeZone(task: Task, ownerTimeZone: string): string {
  return task.due && 'dateTime' in task.due && task.due.timeZone ? task.due.timeZone : ownerTimeZone;
}

/** The email's subject, which is also the in-app notification's text. */
export function reminderSubject(task: Task, timeZone: string): string {
  const due = formatDue(task, timeZone);
  return `Reminder: ${task.title}${due ? ` — due ${due}` : ''}`.replace(/[\r\n]+/g, ' ');
}

export function reminderEmail(input: ReminderEmailInput): { subject: string; text: string; html: string } {
  const { task } = input;
  const due = formatDue(task, input.timeZone);
  const subject = reminderSubject(task, input.timeZone);
  const greeting = input.recipientName ? `Hi ${input.recipientName},` : 'Hi,';
  const text = [
    greeting,
    '',
    `Reminder for #${task.number} ${task.title}`,
    due ? `Due: ${due}` : '',
    task.description ? `\n${task.description}\n` : '',
    `Mark done: ${input.doneUrl}`,
    `Snooze 1 hour: ${input.snoozeUrl}`,
    `Open: ${input.openUrl}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<p>${escapeHtml(greeting)}</p>
<h2 style="margin:0 0 8px">#${task.number} ${escapeHtml(task.title)}</h2>
${due ? `<p>Due <strong>${escapeHtml(due)}</strong></p>` : ''}
${task.description ? `<pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(task.description)}</pre>` : ''}
<p><a href="${escapeHtml(input.doneUrl)}" style="padding:8px 14px;background:#15803d;color:#fff;border-radius:6px;text-decoration:none">Mark done</a>
&nbsp;<a href="${escapeHtml(input.snoozeUrl)}" style="padding:8px 14px;background:#334155;color:#fff;border-radius:6px;text-decoration:none">Snooze 1 hour</a></p>
<p><a href="${escapeHtml(input.openUrl)}">Open todo-app</a></p>
</body></html>`;
  return { subject, text, html };
}
