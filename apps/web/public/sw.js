/**
 * The service worker: shows the reminders the server pushes (apps/mailer/src/push.ts) as system
 * notifications with Done and Snooze buttons, and handles their clicks. Only push and
 * notificationclick for now; offline caching (PWA) is not done here yet.
 *
 * The payload arrives encrypted end to end (the push service cannot read it): { title, body,
 * taskId, number, url, actions: [{ action, title, url }], tag }. A button's `url` is a one-use
 * action link that needs no session, so it works even when the app is signed out in this browser.
 */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let reminder;
  try {
    reminder = event.data ? event.data.json() : null;
  } catch {
    reminder = null;
  }
  if (!reminder || typeof reminder.title !== 'string') return;
  event.waitUntil(
    self.registration.showNotification(reminder.title, {
      body: reminder.body,
      // One notification per reminder occurrence: a repeat replaces it instead of stacking.
      tag: reminder.tag,
      renotify: true,
      data: reminder,
      actions: (reminder.actions || []).map((a) => ({ action: a.action, title: a.title })),
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  const reminder = event.notification.data || {};
  event.notification.close();
  const chosen = (reminder.actions || []).find((a) => a.action === event.action);
  event.waitUntil(chosen ? act(reminder, chosen) : openTask(reminder.url || '/'));
});

/** Done or Snooze through the action link; says so in a notification when it did not work. */
async function act(reminder, chosen) {
  let ok = false;
  try {
    ok = (await fetch(chosen.url, { method: 'POST', credentials: 'omit', cache: 'no-store' })).ok;
  } catch {
    ok = false;
  }
  if (!ok) {
    await self.registration.showNotification(
      `Could not ${chosen.action === 'done' ? 'complete' : 'snooze'} “${reminder.title}”`,
      {
        body: 'It may have changed or been handled already. Open the app to see it.',
        tag: reminder.tag,
        data: { url: reminder.url },
      },
    );
  }
}

/** The app's window when one is open (focused and moved to the task), else a new one. */
async function openTask(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((c) => new URL(c.url).origin === self.location.origin);
  if (open) {
    await open.focus();
    try {
      await open.navigate(url);
      return;
    } catch {
      // Not controlled by this worker (opened before it was installed): a new window instead.
    }
  }
  await self.clients.openWindow(url);
}
