/**
 * Settings: reminders as system notifications on this device, and the devices that get them.
 * The service worker (public/sw.js) shows what the server pushes; this asks permission,
 * subscribes with the server's VAPID key and registers the subscription as one of the user's
 * devices — or undoes that.
 */
import { useEffect, useState } from 'react';
import { api, type PushDevice } from './api.js';
import { EmptyState, ErrorState, FormError, Spinner } from './ui.js';

const DEVICE_KEY = 'todo.pushDevice';

const pushSupported = (): boolean =>
  'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext;

/** This browser's device id, when it is subscribed. */
async function thisDevice(): Promise<string | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  const subscription = await registration?.pushManager.getSubscription();
  return subscription ? localStorage.getItem(DEVICE_KEY) : null;
}

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

/** Throws with a message for the person when permission is refused or the browser cannot subscribe. */
async function enablePush(): Promise<PushDevice> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error(
      permission === 'denied'
        ? 'Notifications are blocked for this site: allow them in the browser’s site settings, then try again.'
        : 'Notifications were not allowed.',
    );
  }
  const { publicKey } = await api.pushKey();
  const registration = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  const json = subscription.toJSON();
  const device = await api.addPushDevice({
    endpoint: json.endpoint!,
    expirationTime: json.expirationTime ?? null,
    keys: { p256dh: json.keys!['p256dh']!, auth: json.keys!['auth']! },
  });
  localStorage.setItem(DEVICE_KEY, device.id);
  return device;
}

async function disablePush(): Promise<void> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
  const id = localStorage.getItem(DEVICE_KEY);
  localStorage.removeItem(DEVICE_KEY);
  if (id) await api.removePushDevice(id).catch(() => undefined);
}

export function PushDevices() {
  const [devices, setDevices] = useState<PushDevice[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const supported = pushSupported();

  const load = () => {
    setLoadError(null);
    Promise.all([api.pushDevices(), thisDevice()])
      .then(([r, mine]) => {
        setDevices(r.items);
        // Removed elsewhere: this browser no longer gets reminders, whatever it still holds.
        setCurrent(mine && r.items.some((d) => d.id === mine) ? mine : null);
      })
      .catch(setLoadError);
  };
  useEffect(load, []);

  async function toggle(on: boolean) {
    setBusy(true);
    setError(null);
    try {
      if (on) setCurrent((await enablePush()).id);
      else {
        await disablePush();
        setCurrent(null);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      load();
    }
  }

  async function remove(device: PushDevice) {
    setDevices((ds) => ds?.filter((d) => d.id !== device.id) ?? null);
    try {
      if (device.id === current) await disablePush();
      else await api.removePushDevice(device.id);
    } catch (e) {
      setError(e);
    }
    load();
  }

  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <p className="muted">Reminders arrive as notifications on these devices, with Done and Snooze buttons.</p>
      {supported ? (
        <label className="check">
          <input type="checkbox" checked={current !== null} disabled={busy} onChange={(e) => void toggle(e.target.checked)} />{' '}
          Reminders on this device
        </label>
      ) : (
        <p className="muted">This browser cannot show reminders as notifications.</p>
      )}
      <FormError error={error} />
      {loadError ? (
        <ErrorState error={loadError} onRetry={load} />
      ) : devices === null ? (
        <Spinner label="Loading devices" />
      ) : devices.length === 0 ? (
        <EmptyState title="No devices get reminders yet" />
      ) : (
        <table className="tokens devices">
          <caption className="sr-only">Devices that get reminders</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Added</th>
              <th scope="col">Last reminder</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.label}
                  {d.id === current ? ' (this device)' : ''}
                </td>
                <td>{new Date(d.createdAt).toLocaleDateString()}</td>
                <td>{d.lastSuccessAt ? new Date(d.lastSuccessAt).toLocaleString() : 'None yet'}</td>
                <td>
                  <button type="button" className="link danger" onClick={() => void remove(d)} aria-label={`Remove ${d.label}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
