import { describe, expect, it } from 'vitest';
import type { Task } from '@todo/domain';
import { formatDue, reminderEmail } from '../src/index.js';

const task = {
  id: '0193e2d4-0000-7000-8000-000000000001',
  number: 7,
  title: '<img src=x onerror=alert(1)> rent',
  description: 'line <b>1</b>',
  priority: 'high',
  status: 'open',
  completedAt: null,
  due: { dateTime: '2026-12-01T09:00:00', timeZone: 'America/New_York' },
  dueAt: '2026-12-01T14:00:00.000Z',
  recurrence: null,
  reminders: [],
  projectId: '0190a0a0-0000-7000-8000-0000000000aa',
  projectNumber: 1,
  tags: [],
  parentId: null,
  assigneeId: null,
  seriesId: null,
  occurrenceIndex: null,
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T09:00:00.000Z',
} satisfies Task;

describe('reminder email', () => {
  it('shows the due in the reader zone and escapes every user string in HTML', () => {
    const mail = reminderEmail({
      task,
      recipientName: 'Pat <script>',
      timeZone: 'Europe/Berlin',
      doneUrl: 'http://x/a?b=1&c=2',
      snoozeUrl: 'http://x/s',
      openUrl: 'http://x/',
    });
    expect(formatDue(task, 'Europe/Berlin')).toBe('1 Dec 2026, 15:00 (Europe/Berlin)');
    expect(mail.subject).toBe('Reminder: <img src=x onerror=alert(1)> rent — due 1 Dec 2026, 15:00 (Europe/Berlin)');
    expect(mail.html).not.toMatch(/<img|<script|<b>/);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('href="http://x/a?b=1&amp;c=2"');
    expect(mail.text).toContain('Mark done: http://x/a?b=1&c=2');
  });

  it('keeps header injection out of the subject', () => {
    const mail = reminderEmail({
      task: { ...task, title: 'a\r\nBcc: evil@example.test' },
      recipientName: null,
      timeZone: 'UTC',
      doneUrl: 'd',
      snoozeUrl: 's',
      openUrl: 'o',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});
