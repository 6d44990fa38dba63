import type { Task } from '@todo/domain';

const PRIORITY_MARK: Record<Task['priority'], string> = {
  none: '',
  low: ' !low',
  medium: ' !medium',
  high: ' !high',
  urgent: ' !urgent',
};

function dueText(task: Task): string {
  if (!task.due) return '';
  return 'date' in task.due
    ? ` due ${task.due.date}`
    : ` due ${task.due.dateTime.slice(0, 16).replace('T', ' ')}${task.due.timeZone ? ` ${task.due.timeZone}` : ''}`;
}

export function formatTaskLine(task: Task): string {
  const box = task.status === 'completed' ? '[x]' : '[ ]';
  const tags = task.tags.map((t) => ` #${t}`).join('');
  const repeat = task.recurrence ? ` (${task.recurrence.text})` : '';
  return `${box} #${task.number} ${task.title}${PRIORITY_MARK[task.priority]}${dueText(task)}${repeat}${tags}`;
}

export function formatTask(task: Task): string {
  return [
    formatTaskLine(task),
    `  id: ${task.id}`,
    task.description ? `  ${task.description.split('\n').join('\n  ')}` : '',
    task.recurrence ? `  repeats: ${task.recurrence.text} [${task.recurrence.rule}] from ${task.recurrence.repeatFrom}` : '',
    ...task.reminders.map((r) => `  reminder: ${r.type === 'relative' ? `${r.minutesBefore} min before due` : `at ${r.at}`}`),
  ]
    .filter(Boolean)
    .join('\n');
}
