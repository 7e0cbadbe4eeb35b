/**
 * Every page of the web app, declared once: its path, title, who may see it, its entry in the
 * navigation and the page component, imported lazily (Vite makes one chunk per page, loaded when
 * the page is first shown). App.tsx matches the location against this list, draws the navigation
 * from it and guards the pages; nothing else lists pages.
 *
 * To add a page: write `pages/MyPage.tsx` (`export function MyPage(props: AppState)`, its data
 * through a hook of queries.ts), then add one entry below. See docs/ARCHITECTURE.md.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { AppState, PageProps } from './page-props.js';

/** A lazily loaded page; `preload()` starts fetching its chunk (the shell does for the first page, alongside the session). */
type Lazy<P> = LazyExoticComponent<ComponentType<P>> & { preload(): Promise<unknown> };

function lazyPage<P>(load: () => Promise<{ default: ComponentType<P> }>): Lazy<P> {
  let started: Promise<{ default: ComponentType<P> }> | null = null;
  const once = () => (started ??= load());
  return Object.assign(lazy(once), { preload: once });
}

interface RouteBase {
  /** `/projects/:name`, `/@:username`: a `:name` part matches one path segment (decoded into params). */
  path: string;
  /** The document title and the navigation label's default. */
  title: string;
  /** Listed in the main navigation (in this order) under this label. */
  nav?: string;
}

export type RouteDef =
  /** signed-in users only: others are sent to /login?next=… */
  | (RouteBase & { access: 'user'; page: Lazy<AppState> })
  /** signed-out visitors (sign-up): signed-in users go to / */
  | (RouteBase & { access: 'guest'; page: Lazy<PageProps> })
  /** anyone, signed in or not (login, public profiles) */
  | (RouteBase & { access: 'any'; page: Lazy<PageProps> });

/** A signed-in page, loaded lazily from a module's export: `userPage(() => import('./pages/X.js'), 'XPage')`. */
function userPage<K extends string>(load: () => Promise<{ [k in K]: ComponentType<AppState> }>, name: K): Lazy<AppState> {
  return lazyPage(async () => ({ default: (await load())[name] }));
}

/** A page for anyone (or for guests), loaded lazily: `openPage(() => import('./pages/X.js'), 'XPage')`. */
function openPage<K extends string>(load: () => Promise<{ [k in K]: ComponentType<PageProps> }>, name: K): Lazy<PageProps> {
  return lazyPage(async () => ({ default: (await load())[name] }));
}

export const ROUTES: RouteDef[] = [
  { path: '/', title: 'Overview', nav: 'Overview', access: 'user', page: userPage(() => import('./pages/Overview.js'), 'OverviewPage') },
  { path: '/leaders', title: 'Leaders', nav: 'Leaders', access: 'any', page: openPage(() => import('./pages/Leaders.js'), 'LeadersPage') },
  { path: '/leaderboards', title: 'Leaderboards', nav: 'Leaderboards', access: 'user', page: userPage(() => import('./pages/Leaderboards.js'), 'LeaderboardsPage') },
  { path: '/leaderboards/join/:code', title: 'Join a leaderboard', access: 'user', page: userPage(() => import('./pages/Leaderboards.js'), 'JoinLeaderboardPage') },
  { path: '/leaderboards/:board', title: 'Leaderboard', access: 'user', page: userPage(() => import('./pages/Leaderboards.js'), 'LeaderboardPage') },
  { path: '/dashboard', title: 'Dashboard', nav: 'Dashboard', access: 'user', page: userPage(() => import('./pages/Dashboard.js'), 'DashboardPage') },
  { path: '/projects', title: 'Projects', nav: 'Projects', access: 'user', page: userPage(() => import('./pages/Projects.js'), 'ProjectsPage') },
  { path: '/projects/:name', title: 'Project', access: 'user', page: userPage(() => import('./pages/Project.js'), 'ProjectPage') },
  { path: '/heartbeats', title: 'Heartbeats', nav: 'Heartbeats', access: 'user', page: userPage(() => import('./pages/Heartbeats.js'), 'HeartbeatsPage') },
  { path: '/settings', title: 'Settings', nav: 'Settings', access: 'user', page: userPage(() => import('./pages/Settings.js'), 'SettingsPage') },
  { path: '/settings/api-keys', title: 'API keys', nav: 'API keys', access: 'user', page: userPage(() => import('./pages/ApiKeys.js'), 'ApiKeysPage') },
  { path: '/settings/apps', title: 'OAuth apps', nav: 'OAuth apps', access: 'user', page: userPage(() => import('./pages/OAuthApps.js'), 'OAuthAppsPage') },
  { path: '/settings/authorized-apps', title: 'Authorized apps', nav: 'Authorized apps', access: 'user', page: userPage(() => import('./pages/AuthorizedApps.js'), 'AuthorizedAppsPage') },
  { path: '/settings/account', title: 'Account', nav: 'Account', access: 'user', page: userPage(() => import('./pages/Account.js'), 'AccountPage') },
  { path: '/settings/sharing', title: 'Sharing', nav: 'Sharing', access: 'user', page: userPage(() => import('./pages/Sharing.js'), 'SharingPage') },
  { path: '/@:username', title: 'Profile', access: 'any', page: openPage(() => import('./pages/PublicProfile.js'), 'PublicProfilePage') },
  { path: '/set-password', title: 'Set a first password', access: 'guest', page: openPage(() => import('./pages/SetPassword.js'), 'SetPasswordPage') },
  { path: '/goals', title: 'Goals', nav: 'Goals', access: 'user', page: userPage(() => import('./pages/Goals.js'), 'GoalsPage') },
  { path: '/settings/email', title: 'E-mail', nav: 'E-mail', access: 'user', page: userPage(() => import('./pages/EmailSettings.js'), 'EmailSettingsPage') },
  { path: '/forgot-password', title: 'Forgot password', access: 'guest', page: openPage(() => import('./pages/ForgotPassword.js'), 'ForgotPasswordPage') },
  { path: '/confirm-email', title: 'Confirm your e-mail address', access: 'any', page: openPage(() => import('./pages/ConfirmEmail.js'), 'ConfirmEmailPage') },
  { path: '/reset-password', title: 'Set a new password', access: 'any', page: openPage(() => import('./pages/ResetPassword.js'), 'ResetPasswordPage') },
  { path: '/commits', title: 'Commits', nav: 'Commits', access: 'user', page: userPage(() => import('./pages/Commits.js'), 'CommitsPage') },
  { path: '/settings/data', title: 'Data', nav: 'Data', access: 'user', page: userPage(() => import('./pages/DataTransfer.js'), 'DataTransferPage') },
  { path: '/login', title: 'Log in', access: 'any', page: openPage(() => import('./pages/Login.js'), 'LoginPage') },
  { path: '/signup', title: 'Sign up', access: 'guest', page: openPage(() => import('./pages/Signup.js'), 'SignupPage') },
];

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

const compiled = new Map<string, { regex: RegExp; names: string[] }>();

function compile(pattern: string) {
  let c = compiled.get(pattern);
  if (!c) {
    const names: string[] = [];
    const source = pattern
      .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
      .map((part) => {
        if (part.startsWith(':')) {
          names.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    c = { regex: new RegExp(`^${source}$`), names };
    compiled.set(pattern, c);
  }
  return c;
}

/** The route for a path and its decoded params, or null (page not found). */
export function matchRoute(pathname: string, routes: readonly RouteDef[] = ROUTES): RouteMatch | null {
  for (const route of routes) {
    const { regex, names } = compile(route.path);
    const m = regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    let ok = true;
    names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1]!);
      } catch {
        ok = false;
      }
    });
    if (ok) return { route, params };
  }
  return null;
}

/** A path for a route pattern with its params filled in (encoded): `pathFor('/projects/:name', {name})`. */
export function pathFor(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
