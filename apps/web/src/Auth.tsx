/** Sign up and log in: the API sets the HttpOnly session cookie. */
import { useState, type FormEvent } from 'react';
import { api, type User } from './api.js';
import { Field, FormError, fieldMessage } from './ui.js';

export function AuthScreen({
  mode,
  onDone,
  navigate,
}: {
  mode: 'login' | 'signup';
  onDone: (user: User) => void;
  navigate: (path: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** The address a confirmation link was mailed to (or, if it has an account, a notice). */
  const [sentTo, setSentTo] = useState<string | null>(null);
  const signup = mode === 'signup';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const reply = signup
        ? await api.signUp({ email, password, ...(name.trim() ? { name: name.trim() } : {}), ...(timeZone ? { timeZone } : {}) })
        : await api.logIn({ email, password });
      if ('user' in reply) onDone(reply.user);
      else setSentTo(email.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (signup && sentTo) {
    return (
      <main className="auth" id="main">
        <section className="card auth-card" aria-labelledby="auth-title">
          <p className="brand" aria-hidden="true">
            ✓ todo-app
          </p>
          <h1 id="auth-title">Check your email</h1>
          <p role="status">
            We sent a message to <strong>{sentTo}</strong>. Open the link in it to finish creating your account; the link works
            once, for 24 hours.
          </p>
          <p className="switch">
            <a
              href="/login"
              onClick={(e) => {
                e.preventDefault();
                setSentTo(null);
                navigate('/login');
              }}
            >
              Log in
            </a>
          </p>
        </section>
      </main>
    );
  }

  return (
    <main className="auth" id="main">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="auth-title">
        <p className="brand" aria-hidden="true">
          ✓ todo-app
        </p>
        <h1 id="auth-title">{signup ? 'Create your account' : 'Log in'}</h1>
        {signup && (
          <Field label="Name (optional)" error={fieldMessage(error, 'name')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />}
          </Field>
        )}
        <Field label="Email" error={fieldMessage(error, 'email')}>
          {(p) => (
            <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
          )}
        </Field>
        <Field label="Password" error={fieldMessage(error, 'password')} {...(signup ? { hint: 'At least 10 characters.' } : {})}>
          {(p) => (
            <input
              {...p}
              type="password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete={signup ? 'new-password' : 'current-password'}
            />
          )}
        </Field>
        <FormError error={error} fields={['email', 'password', 'name']} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Please wait…' : signup ? 'Sign up' : 'Log in'}
        </button>
        <p className="switch">
          {signup ? 'Already have an account? ' : 'New here? '}
          <a
            href={signup ? '/login' : '/signup'}
            onClick={(e) => {
              e.preventDefault();
              setError(null);
              navigate(signup ? '/login' : '/signup');
            }}
          >
            {signup ? 'Log in' : 'Create an account'}
          </a>
        </p>
      </form>
    </main>
  );
}
