/**
 * The shell: loads the session, keeps it, draws the header (navigation from routes.tsx) and shows
 * the page whose route matches the path, guarded by its `access` and loaded lazily.
 */
import { Suspense, useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler, type Session, type User } from './api.js';
import { Alert, Page } from './components.js';
import { queryClient } from './data.js';
import type { PageProps } from './page-props.js';
import { Link, Redirect, useRouter } from './router.js';
import { matchRoute, ROUTES } from './routes.js';

export type { AppState, PageProps } from './page-props.js';

function Loading() {
  return (
    <p className="loading" role="status">
      Loading…
    </p>
  );
}

export function App() {
  const { location, navigate } = useRouter();
  const [session, setSession] = useState<Session | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [newApiKey, setNewApiKey] = useState<{ id: string; key: string } | null>(null);
  const [loggingOut, setLoggingOut] = useState(false);

  const loadSession = useCallback(async (): Promise<Session | null> => {
    const res = await api<Session>('GET', '/api/web/session', undefined, { quiet401: true });
    if (!res.ok || !res.data) {
      setLoadError(res.error ?? 'The server did not answer with a session.');
      return null;
    }
    setCsrfToken(res.data.csrf_token);
    setSession(res.data);
    setLoadError(null);
    return res.data;
  }, []);

  useEffect(() => {
    // the first page's chunk loads while the session does (not after it)
    void matchRoute(window.location.pathname)?.route.page.preload().catch(() => undefined);
    void loadSession();
  }, [loadSession]);

  useEffect(() => {
    // a 401 from a page's request: the session is gone, so ask for a login again
    setUnauthorizedHandler(() => {
      setNewApiKey(null);
      queryClient.clear();
      void loadSession();
    });
    return () => setUnauthorizedHandler(null);
  }, [loadSession]);

  const signedIn = useCallback((user: User, csrfToken: string) => {
    setCsrfToken(csrfToken);
    queryClient.clear(); // nothing cached for someone else
    setSession((s) => (s ? { ...s, user, csrf_token: csrfToken } : s));
  }, []);

  const logOut = async () => {
    setLoggingOut(true);
    const res = await api('POST', '/api/web/logout');
    setLoggingOut(false);
    if (!res.ok && res.status !== 401) {
      setLoadError(res.error ?? 'Logging out failed.');
      return;
    }
    setNewApiKey(null);
    queryClient.clear();
    await loadSession(); // a fresh CSRF token for the next login
    navigate('/login');
  };

  if (!session) {
    return (
      <main className="main" id="main">
        {loadError ? (
          <Page title="Metronome is unavailable">
            <Alert kind="error">{loadError}</Alert>
            <button type="button" className="button" onClick={() => void loadSession()}>
              Try again
            </button>
          </Page>
        ) : (
          <Loading />
        )}
      </main>
    );
  }

  const user = session.user;
  const path = location.pathname;
  const match = matchRoute(path);
  const props: PageProps = {
    session,
    user,
    setUser: (u) => setSession((s) => (s ? { ...s, user: u } : s)),
    onSignedIn: signedIn,
    newApiKey,
    setNewApiKey,
    params: match?.params ?? {},
  };
  let page;
  if (!match) {
    page = (
      <Page title="Page not found">
        <p>
          There is no page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
        </p>
      </Page>
    );
  } else {
    const { route } = match;
    if (route.access === 'user') {
      if (!user) page = <Redirect to={path === '/' ? '/login' : `/login?next=${encodeURIComponent(path + location.search)}`} />;
      else page = <route.page {...props} user={user} />;
    } else if (route.access === 'guest' && user) {
      page = <Redirect to="/" />;
    } else {
      page = <route.page {...props} />;
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="header-inner">
          <Link to="/" className="brand" aria-current={undefined}>
            <span className="brand-mark" aria-hidden="true">
              ◷
            </span>{' '}
            Metronome
          </Link>
          {user ? (
            <>
              <nav aria-label="Main" className="nav">
                {ROUTES.filter((r) => r.nav).map((r) => (
                  <Link key={r.path} to={r.path}>
                    {r.nav}
                  </Link>
                ))}
              </nav>
              <div className="account">
                <span className="account-name" title={user.email ?? undefined}>
                  {user.username ? `@${user.username}` : user.display_name}
                </span>
                <button type="button" className="button button-small" onClick={logOut} disabled={loggingOut}>
                  Log out
                </button>
              </div>
            </>
          ) : (
            <nav aria-label="Account" className="nav">
              <Link to="/login">Log in</Link>
              {session.signup_open ? <Link to="/signup">Sign up</Link> : null}
            </nav>
          )}
        </div>
      </header>
      <main className="main" id="main">
        {loadError ? <Alert kind="error">{loadError}</Alert> : null}
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </main>
      <footer className="footer">
        <p>
          Metronome · WakaTime-compatible API at <code>{session.api_url}</code> · <a href="/api/docs/ui">API reference</a>
        </p>
      </footer>
    </>
  );
}
