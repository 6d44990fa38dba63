/** Settings: profile (zone, reminder hour, email, name), devices for push reminders, and API tokens with copy-once secrets. */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type ApiToken, type User } from './api.js';
import { PushDevices } from './PushDevices.js';
import { EmptyState, ErrorState, Field, FormError, fieldMessage, Spinner } from './ui.js';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

export function Settings({ user, onUser }: { user: User; onUser: (user: User) => void }) {
  return (
    <div className="settings">
      <h1>Settings</h1>
      <Profile user={user} onUser={onUser} />
      <PushDevices />
      <Tokens />
    </div>
  );
}

function Profile({ user, onUser }: { user: User; onUser: (user: User) => void }) {
  const [name, setName] = useState(user.name ?? '');
  const [email, setEmail] = useState(user.email);
  const [currentPassword, setCurrentPassword] = useState('');
  // The server asks for the password only when the email really changes.
  const emailChanged = email.trim().toLowerCase() !== user.email;
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [reminderHour, setReminderHour] = useState(user.reminderHour);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  /** A new email waiting for its link to be opened. */
  const [pendingEmail, setPendingEmail] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    setPendingEmail(null);
    try {
      const reply = await api.updateMe({
        name: name.trim() || null,
        email,
        timeZone,
        reminderHour,
        ...(emailChanged ? { currentPassword } : {}),
      });
      if ('status' in reply) {
        onUser(reply.user);
        setPendingEmail(email.trim());
        setEmail(reply.user.email);
      } else onUser(reply);
      setCurrentPassword('');
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="row">
          <Field label="Name" error={fieldMessage(error, 'name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />}
          </Field>
          <Field label="Email" error={fieldMessage(error, 'email')} hint="Reminders are emailed here.">
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />}
          </Field>
        </div>
        {emailChanged && (
          <div className="row">
            <Field label="Current password" error={fieldMessage(error, 'currentPassword')} hint="Needed to change the email.">
              {(p) => (
                <input
                  {...p}
                  type="password"
                  value={currentPassword}
                  onChange={(e) => setCurrentPassword(e.target.value)}
                  autoComplete="current-password"
                />
              )}
            </Field>
          </div>
        )}
        <div className="row">
          <Field label="Time zone" error={fieldMessage(error, 'timeZone')} hint="Floating tasks and “today” follow this zone.">
            {(p) => (
              <>
                <input {...p} list="settings-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
                <datalist id="settings-zones">
                  {zones.map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label="Reminder hour for all-day tasks" error={fieldMessage(error, 'reminderHour')}>
            {(p) => (
              <select {...p} value={reminderHour} onChange={(e) => setReminderHour(Number(e.target.value))}>
                {Array.from({ length: 24 }, (_, h) => (
                  <option key={h} value={h}>
                    {String(h).padStart(2, '0')}:00
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <FormError error={error} fields={['name', 'email', 'currentPassword', 'timeZone', 'reminderHour']} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Save profile
          </button>
          {saved && (
            <span role="status" className="ok">
              {pendingEmail
                ? `Saved. To use ${pendingEmail}, open the link we sent there; until then your email stays as it is.`
                : 'Saved.'}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function Tokens() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [write, setWrite] = useState(true);
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);

  const load = () => {
    setLoadError(null);
    api
      .tokens()
      .then((r) => setTokens(r.items))
      .catch(setLoadError);
  };
  useEffect(load, []);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const res = await api.createToken({
        name: name.trim(),
        scopes: write ? ['read', 'write'] : ['read'],
        expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      });
      setSecret({ name: res.token.name, value: res.secret });
      setCopied(false);
      setName('');
      load();
    } catch (e) {
      setError(e);
    }
  }

  async function copy() {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  async function revoke(token: ApiToken) {
    if (!window.confirm(`Revoke the token “${token.name}”? Scripts using it stop working.`)) return;
    setTokens((ts) => ts?.filter((t) => t.id !== token.id) ?? null);
    try {
      await api.revokeToken(token.id);
    } catch (e) {
      setError(e);
    }
    load();
  }

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="muted">For scripts and AI assistants (MCP). A token's secret is shown only once.</p>
      {secret && (
        <div className="secret" role="status">
          <p>
            <strong>Copy the secret of “{secret.name}” now</strong> — it will not be shown again.
          </p>
          <div className="row">
            <input
              readOnly
              value={secret.value}
              aria-label="New token secret"
              onFocus={(e) => e.target.select()}
              className="mono"
            />
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" onClick={() => setSecret(null)}>
              I have copied it
            </button>
          </div>
        </div>
      )}
      <form onSubmit={(e) => void create(e)} noValidate className="row inline-add">
        <Field label="Token name" error={fieldMessage(error, 'name')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Claude desktop" />}
        </Field>
        <Field label="Expires (optional)" error={fieldMessage(error, 'expiresAt')}>
          {(p) => <input {...p} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Can change tasks (write)
        </label>
        <button type="submit" className="primary" disabled={!name.trim()}>
          Create token
        </button>
      </form>
      <FormError error={error} fields={['name', 'expiresAt']} />
      {loadError ? (
        <ErrorState error={loadError} onRetry={load} />
      ) : tokens === null ? (
        <Spinner label="Loading tokens" />
      ) : tokens.length === 0 ? (
        <EmptyState title="No API tokens yet" />
      ) : (
        <table className="tokens">
          <caption className="sr-only">Your API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono">{t.prefix}…</td>
                <td>{t.scopes.join(', ')}</td>
                <td>{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : 'Never'}</td>
                <td>
                  <button type="button" className="link danger" onClick={() => void revoke(t)} aria-label={`Revoke ${t.name}`}>
                    Revoke
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
