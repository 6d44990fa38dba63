/**
 * The app: the session (who is signed in, if anyone) and client-side routing. Signed out, it
 * shows log in / sign up; signed in, the shell (shell/Shell.tsx) with everything else.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, setUnauthorizedHandler, type User } from './api.js';
import { AuthScreen } from './Auth.js';
import { routeFromPath, type Route } from './routes.js';
import { Shell } from './shell/Shell.js';
import { Spinner } from './ui.js';
import { EMPTY_FILTERS } from './views.js';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(() => routeFromPath(location.pathname + location.search));
  // Where a signed-out visitor was going (a link to a view or a task): back there after log in.
  const returnTo = useRef('/');

  /** `replace`: the same place refined (search as you type), not a step back/forward should stop at. */
  const navigate = useCallback((path: string, opts: { replace?: boolean } = {}) => {
    if (path !== location.pathname + location.search) history[opts.replace ? 'replaceState' : 'pushState'](null, '', path);
    setRoute(routeFromPath(path));
  }, []);

  useEffect(() => {
    const onPop = () => setRoute(routeFromPath(location.pathname + location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    api
      .me()
      .then(setUser)
      .catch(() => setUser(null));
  }, []);

  if (user === undefined) {
    return (
      <main id="main" className="boot">
        <Spinner label="Loading todo-app" />
      </main>
    );
  }
  if (user === null) {
    const here = location.pathname + location.search;
    if (route.page !== 'login' && route.page !== 'signup') returnTo.current = here;
    return (
      <AuthScreen
        mode={route.page === 'signup' ? 'signup' : 'login'}
        navigate={navigate}
        onDone={(u) => {
          setUser(u);
          navigate(returnTo.current);
          returnTo.current = '/';
        }}
      />
    );
  }
  return (
    <Shell
      user={user}
      route={route.page === 'login' || route.page === 'signup' ? { page: 'tasks', view: { kind: 'today' }, filters: EMPTY_FILTERS } : route}
      navigate={navigate}
      onUser={setUser}
      onLoggedOut={() => {
        setUser(null);
        navigate('/login');
      }}
    />
  );
}
