/** The shell: loads the session, keeps it, draws the header and picks the page for the path. */
import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler, type Session, type User } from './api.js';
import { Alert, Page } from './components.js';
import { Link, Redirect, useRouter } from './router.js';
import { ApiKeysPage } from './pages/ApiKeys.js';
import { AuthorizedAppsPage } from './pages/AuthorizedApps.js';
import { LoginPage } from './pages/Login.js';
import { OAuthAppsPage } from './pages/OAuthApps.js';
import { OverviewPage } from './pages/Overview.js';
import { SettingsPage } from './pages/Settings.js';
import { SignupPage } from './pages/Signup.js';

/** What every page gets: the session and the means to change it. */
export interface AppState {
  session: Session;
  user: User;
  setUser(user: User): void;
  /** The API key created in this visit (shown once): the config snippet uses it. */
  newApiKey: { id: string; key: string } | null;
  setNewApiKey(key: { id: string; key: string } | null): void;
}

const SIGNED_IN_PAGES = ['/', '/settings', '/settings/api-keys', '/settings/apps', '/settings/authorized-apps'];

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
    void loadSession();
  }, [loadSession]);

  useEffect(() => {
    // a 401 from a page's request: the session is gone, so ask for a login again
    setUnauthorizedHandler(() => {
      setNewApiKey(null);
      void loadSession();
    });
    return () => setUnauthorizedHandler(null);
  }, [loadSession]);

  const signedIn = useCallback((user: User, csrfToken: string) => {
    setCsrfToken(csrfToken);
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
          <p className="loading" role="status">
            Loading…
          </p>
        )}
      </main>
    );
  }

  const user = session.user;
  const path = location.pathname;
  let page;
  if (path === '/signup') {
    page = user ? <Redirect to="/" /> : <SignupPage session={session} onSignedIn={signedIn} />;
  } else if (path === '/login') {
    page = <LoginPage session={session} />;
  } else if (SIGNED_IN_PAGES.includes(path)) {
    if (!user) {
      page = <Redirect to={path === '/' ? '/login' : `/login?next=${encodeURIComponent(path + location.search)}`} />;
    } else {
      const state: AppState = {
        session,
        user,
        setUser: (u) => setSession((s) => (s ? { ...s, user: u } : s)),
        newApiKey,
        setNewApiKey,
      };
      if (path === '/') page = <OverviewPage {...state} />;
      else if (path === '/settings') page = <SettingsPage {...state} />;
      else if (path === '/settings/api-keys') page = <ApiKeysPage {...state} />;
      else if (path === '/settings/apps') page = <OAuthAppsPage {...state} />;
      else page = <AuthorizedAppsPage {...state} />;
    }
  } else {
    page = (
      <Page title="Page not found">
        <p>
          There is no page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
        </p>
      </Page>
    );
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
                <Link to="/">Overview</Link>
                <Link to="/settings">Settings</Link>
                <Link to="/settings/api-keys">API keys</Link>
                <Link to="/settings/apps">OAuth apps</Link>
                <Link to="/settings/authorized-apps">Authorized apps</Link>
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
        {page}
      </main>
      <footer className="footer">
        <p>
          Metronome · WakaTime-compatible API at <code>{session.api_url}</code> · <a href="/api/docs/ui">API reference</a>
        </p>
      </footer>
    </>
  );
}
