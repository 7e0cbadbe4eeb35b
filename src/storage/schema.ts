/**
 * The tables, as Kysely sees them. One interface per table; add yours here with its migration.
 *
 * Conventions, identical on SQLite and PostgreSQL so that one query code path serves both:
 * - timestamps are UNIX epoch seconds as double precision (REAL in SQLite);
 * - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans);
 * - lists and free-form objects are JSON text.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  /** Public id, exposed as `id` in the API. */
  uuid: string;
  username: string;
  email: string | null;
  password_hash: string | null;
  full_name: string | null;
  photo: string | null;
  website: string | null;
  github_username: string | null;
  twitter_username: string | null;
  linkedin_username: string | null;
  wonderfuldev_username: string | null;
  city_country_code: string | null;
  city_name: string | null;
  city_state: string | null;
  public_email: string | null;
  is_email_public: number;
  is_email_confirmed: number;
  photo_public: number;
  is_hireable: number;
  logged_time_public: number;
  languages_used_public: number;
  editors_used_public: number;
  categories_used_public: number;
  os_used_public: number;
  /** IANA zone; null until the user (or a plugin's first Timezone header) sets it. */
  timezone: string | null;
  /** Keystroke timeout in minutes (1–240). */
  keystroke_timeout: number;
  writes_only: number;
  /** Range shown on the public profile and by `GET /stats` without a range. */
  profile_range: string;
  last_heartbeat_at: number | null;
  last_plugin: string | null;
  last_plugin_name: string | null;
  last_project: string | null;
  last_branch: string | null;
  created_at: number;
  modified_at: number | null;
  /** Instance administrator (050): the first user, or `metronome user create --admin`. */
  is_admin: Generated<number>;
  /** When an administrator disabled the account (050): its credentials stop working. */
  disabled_at: Generated<number | null>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  name: string;
  /** sha256 hex of the key; the key itself is never stored. */
  key_hash: string;
  /** The first characters of the key, to tell keys apart in lists. */
  key_prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface HeartbeatsTable {
  user_id: number;
  time: number;
  /** 52-bit canonical hash: dedup key (with user_id and time) and the public id (hex). */
  hash: number;
  entity: string;
  type: string;
  category: string;
  project: string | null;
  project_root_count: number | null;
  branch: string | null;
  language: string | null;
  /** JSON array of strings. */
  dependencies: string | null;
  lines: number | null;
  line_additions: number | null;
  line_deletions: number | null;
  lineno: number | null;
  cursorpos: number | null;
  is_write: number;
  ai_line_changes: number | null;
  human_line_changes: number | null;
  user_agent_id: number | null;
  editor: string | null;
  operating_system: string | null;
  machine_name_id: number | null;
  machine: string | null;
  /** JSON object of fields we do not know yet, kept verbatim. */
  extra: string | null;
  created_at: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  name: string;
  repository: string | null;
  badge: string | null;
  color: string | null;
  first_heartbeat_at: number;
  last_heartbeat_at: number;
  created_at: number;
}

export interface MachinesTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  /** Host name as sent in X-Machine-Name. */
  value: string;
  ip: string | null;
  timezone: string | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface UserAgentsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  value: string;
  editor: string | null;
  version: string | null;
  os: string | null;
  is_browser_extension: number;
  is_desktop_app: number;
  first_seen_at: number;
  last_seen_at: number;
}

/** Seconds per user, local day, dimension and name; dimension 'total' has name ''. */
export interface RollupDaysTable {
  user_id: number;
  day: string;
  dimension: string;
  name: string;
  seconds: number;
}

/** With which settings a user's rollups were built, and whether they are complete. */
export interface RollupStateTable {
  user_id: number;
  timezone: string;
  timeout: number;
  writes_only: number;
  /** 'ready' or 'building'. */
  status: string;
  /** 0–100 while building. */
  progress: number;
  updated_at: number;
}

/**
 * Partial rollups per UTC hour (epoch/3600) of the heartbeats' time: the seconds they are credited,
 * per local day the credit falls on (`day`), dimension and name. A day is the sum of its rows.
 */
export interface RollupHoursTable {
  user_id: number;
  hour: number;
  day: string;
  dimension: string;
  name: string;
  seconds: number;
}

/** Rollup cube (032): seconds per local day and combination of dimensions; `_hours` rows are UTC-hour partials. */
export interface RollupCubeTable {
  user_id: number;
  day: string;
  project: string;
  language: string;
  editor: string;
  operating_system: string;
  machine: string;
  category: string;
  /** '' when the heartbeats had none. */
  branch: string;
  seconds: number;
}
export interface RollupCubeHoursTable extends RollupCubeTable {
  hour: number;
}

/** Seconds per local day of each entity and dependency (`dimension`), per project, branch and language. */
export interface RollupDetailsTable {
  user_id: number;
  day: string;
  project: string;
  branch: string;
  language: string;
  dimension: string;
  name: string;
  seconds: number;
}
export interface RollupDetailHoursTable extends RollupDetailsTable {
  hour: number;
}

/** Per-month rollups (034): the day rows summed per local month ('YYYY-MM'), for long ranges. */
export interface RollupMonthsTable {
  user_id: number;
  month: string;
  dimension: string;
  name: string;
  seconds: number;
}
export interface RollupCubeMonthsTable extends Omit<RollupCubeTable, 'day'> {
  month: string;
}
/** The dependency rows of rollup_details summed per month and combination. */
export interface RollupDependencyMonthsTable extends RollupCubeMonthsTable {
  name: string;
}

/**
 * A version per user and local day of the rollups (075): bumped whenever that day's rollup rows
 * are written (storage/rollups.ts resumMonths) and for every day when a user's rollups are dropped.
 */
export interface RollupDayVersionsTable {
  user_id: number;
  day: string;
  version: number;
}

/** UTC hours (epoch/3600) whose heartbeats changed since the rollups were computed. */
export interface RollupDirtyTable {
  id: Generated<number>;
  user_id: number;
  hour: number;
  /** Seconds into the hour of the earliest change (null: anywhere in the hour). */
  since: number | null;
}

/** A browser session (web app): the cookie holds the id, the table its sha256. */
export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** A failed login, for throttling: key is 'user:<lower login>' or 'ip:<address>'. */
/** One row per throttled key: the lock a login attempt takes while it counts and records itself. */
export interface LoginThrottleTable {
  key: string;
  touched_at: number;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  key: string;
  at: number;
}

export interface OauthAppsTable {
  id: Generated<number>;
  uuid: string;
  /** The owner who registered the app. */
  user_id: number;
  name: string;
  client_id: string;
  /** sha256 hex of the client secret; null for public apps (PKCE instead of a secret). */
  client_secret_hash: string | null;
  is_public: number;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  created_at: number;
  modified_at: number | null;
  secret_rotated_at: number | null;
}

/** What a user approved for an app (skips the consent page next time). */
export interface OauthGrantsTable {
  id: Generated<number>;
  uuid: string;
  app_id: number;
  user_id: number;
  /** Space-separated scope names. */
  scopes: string;
  created_at: number;
  modified_at: number;
}

export interface OauthCodesTable {
  id: Generated<number>;
  code_hash: string;
  app_id: number;
  user_id: number;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** 1 when the authorize request carried redirect_uri: the token request must repeat it (RFC 6749 §4.1.3). */
  redirect_uri_required: number;
}

export interface OauthTokensTable {
  id: Generated<number>;
  uuid: string;
  app_id: number;
  user_id: number;
  access_hash: string;
  /** null for the token (implicit) flow. */
  refresh_hash: string | null;
  scopes: string;
  /** 'code' (365 days) or 'token' (12 hours). */
  flow: string;
  code_id: number | null;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/* Leaders, private leaderboards and aggregate stats (045). */
/** A user's time over a leaderboard range (public settings), with the stored public rank. */
export interface LeaderTotalsTable {
  range: string;
  user_id: number;
  total_seconds: number;
  daily_average: number;
  /** JSON [[language, seconds], …], most first, without Other. */
  languages: string;
  /** Place among users public when computed; null for others. */
  rank: number | null;
}
export interface LeaderLanguagesTable {
  range: string;
  /** Lower case (the filter's key); `name` as summaries show it. */
  language: string;
  name: string;
  user_id: number;
  seconds: number;
  rank: number | null;
}
export interface LeaderRunsTable {
  range: string;
  first_date: string;
  last_date: string;
  computed_at: number;
}
export interface LeaderboardsTable {
  id: Generated<number>;
  uuid: string;
  owner_id: number;
  name: string;
  time_range: string;
  join_code: string;
  created_at: number;
  modified_at: number;
}
export interface LeaderboardMembersTable {
  board_id: number;
  user_id: number;
  /** 'owner', 'member' or 'invited'. */
  status: string;
  created_at: number;
}
export interface AggregateStatsTable {
  range: string;
  first_date: string;
  last_date: string;
  /** JSON of domain/leaders.ts Aggregate. */
  data: string;
  is_up_to_date: number;
  computed_at: number;
}

// ── Organizations and team dashboards (migration 050_orgs) ──────────────────────────────────

export interface OrgsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  timezone: string;
  /** Keystroke timeout in minutes. */
  timeout: number;
  writes_only: number;
  /** Whether members may see each other's durations. */
  is_duration_visible: number;
  /** sha256 hex of the join link's token; null: no join link. */
  join_token_hash: string | null;
  created_by: number;
  created_at: number;
  modified_at: number;
}

export interface OrgMembersTable {
  org_id: number;
  user_id: number;
  /** 'owner' | 'admin' | 'member' */
  role: string;
  created_at: number;
}

export interface OrgInvitationsTable {
  id: Generated<number>;
  uuid: string;
  org_id: number;
  /** The invited user (by username), or null for an invitation by e-mail. */
  user_id: number | null;
  /** Lowercased e-mail address of an invitation by e-mail. */
  email: string | null;
  role: string;
  invited_by: number;
  created_at: number;
}

export interface DashboardsTable {
  id: Generated<number>;
  uuid: string;
  org_id: number;
  name: string;
  /** null: the org's timezone. */
  timezone: string | null;
  /** 'org': every org member may view; 'members': only its members and viewers. */
  access: string;
  created_by: number;
  created_at: number;
  modified_at: number;
}

export interface DashboardMembersTable {
  dashboard_id: number;
  user_id: number;
  /** 1: may view the dashboard, their own time is not shown. */
  is_view_only: number;
  /** The member's choice: 'everything' or 'totals'. */
  share: string;
  created_at: number;
}

export interface DashboardRequestsTable {
  id: Generated<number>;
  uuid: string;
  dashboard_id: number;
  user_id: number;
  /** 'view' | 'join' */
  kind: string;
  created_at: number;
}

/** Run-time settings of the instance: key → JSON value (`allow_signup`). */
export interface InstanceSettingsTable {
  key: string;
  value: string;
  modified_at: number;
}

// ── Goals and e-mail (migration 040_goals) ──────────────────────────────────────────────────────

export interface GoalsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  /** The goal amount per period, in seconds. */
  seconds: number;
  /** 'day' or 'week'. */
  delta: string;
  improve_by_percent: number | null;
  is_inverse: number;
  is_enabled: number;
  /** JSON arrays of text. */
  ignore_days: string;
  ignore_zero_days: number;
  languages: string;
  projects: string;
  editors: string;
  categories: string;
  custom_title: string | null;
  created_at: number;
  modified_at: number | null;
}

/** A goal's computed part (domain/goal.ts GoalProgress as JSON), for the local date `computed_for`. */
export interface GoalCacheTable {
  goal_id: number;
  user_id: number;
  computed_for: string;
  computed_at: number;
  body: string;
  dirty: number;
}

export interface GoalSharesTable {
  id: Generated<number>;
  goal_id: number;
  /** The user it is shared with; null for an e-mail address no account has (yet). */
  user_id: number | null;
  /** Set when shared by e-mail address (lower-cased). */
  email: string | null;
  /** Set when shared by username. */
  username: string | null;
  /** 'pending', 'accepted' or 'declined'. */
  status: string;
  created_at: number;
  responded_at: number | null;
}

export interface GoalSubscribersTable {
  goal_id: number;
  user_id: number;
  /** 'daily', 'weekly' or 'none'. */
  email_frequency: string;
  snooze_until: number | null;
  /** The period last reported by e-mail (a date, or a week's first date). */
  last_sent_key: string | null;
  created_at: number;
}

export interface PasswordResetsTable {
  /** sha256 hex of the token sent by e-mail. */
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface MailPreferencesTable {
  user_id: number;
  weekly_summary: number;
  /** The week (its first local date) last summarized. */
  last_summary_key: string | null;
  modified_at: number | null;
}

export interface GoalTables {
  goals: GoalsTable;
  goal_cache: GoalCacheTable;
  goal_shares: GoalSharesTable;
  goal_subscribers: GoalSubscribersTable;
  password_resets: PasswordResetsTable;
  mail_preferences: MailPreferencesTable;
}

// ---- data transfer (issue 12, part 2; migration 065): dumps, imports, relay ----------------------

export interface DataDumpsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  /** 'daily' | 'heartbeats' */
  type: string;
  /** 'pending' | 'processing' | 'completed' | 'failed' */
  status: string;
  percent: number;
  email_when_finished: number;
  /** Key of the signed download links (random per dump). */
  secret: string;
  /** Size of the gzip file so far. */
  bytes: number;
  /** Heartbeats or days written so far. */
  items: number;
  error: string | null;
  created_at: number;
  /** Last progress: a processing dump not updated for long is stuck. */
  updated_at: number;
  completed_at: number | null;
  expires_at: number | null;
}

export interface DataDumpPartsTable {
  dump_id: number;
  seq: number;
  data: Buffer;
}

export interface ImportsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  /** 'file' | 'server' */
  kind: string;
  /** 'uploading' | 'pending' | 'running' | 'completed' | 'failed' | 'canceled' */
  status: string;
  source_url: string | null;
  /** The other server's API key (needed to resume; erased when the import ends). */
  api_key: string | null;
  /** server imports: 'days' | 'dump' */
  method: string | null;
  start_date: string | null;
  end_date: string | null;
  file_bytes: number;
  done: number;
  total: number;
  /** JSON: where to resume ({ items } for files, { date } for servers). */
  cursor: string | null;
  received: number;
  imported: number;
  skipped: number;
  /** JSON object: reason → count. */
  skipped_reasons: string;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface ImportPartsTable {
  import_id: number;
  seq: number;
  data: Buffer;
}

export interface RelayTargetsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  name: string;
  /** The other server's API base, e.g. https://wakatime.com/api/v1 */
  url: string;
  api_key: string;
  enabled: number;
  /** Failed deliveries in a row (backoff). */
  failures: number;
  next_attempt_at: number;
  /** One deliverer at a time across instances. */
  lease_until: number;
  last_error: string | null;
  last_success_at: number | null;
  delivered: number;
  created_at: number;
}

export interface RelayOutboxTable {
  id: Generated<number>;
  target_id: number;
  user_id: number;
  /** JSON [[time, hash], …] of the heartbeats of one commit. */
  items: string;
  count: number;
  created_at: number;
}

export interface Database extends GoalTables {
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  org_invitations: OrgInvitationsTable;
  dashboards: DashboardsTable;
  dashboard_members: DashboardMembersTable;
  dashboard_requests: DashboardRequestsTable;
  instance_settings: InstanceSettingsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  login_throttle: LoginThrottleTable;
  oauth_apps: OauthAppsTable;
  oauth_grants: OauthGrantsTable;
  oauth_codes: OauthCodesTable;
  oauth_tokens: OauthTokensTable;
  rollup_days: RollupDaysTable;
  rollup_state: RollupStateTable;
  rollup_dirty: RollupDirtyTable;
  rollup_hours: RollupHoursTable;
  rollup_cube: RollupCubeTable;
  rollup_cube_hours: RollupCubeHoursTable;
  rollup_details: RollupDetailsTable;
  rollup_detail_hours: RollupDetailHoursTable;
  rollup_cube_dirty: RollupDirtyTable;
  rollup_months: RollupMonthsTable;
  rollup_cube_months: RollupCubeMonthsTable;
  rollup_dependency_months: RollupDependencyMonthsTable;
  rollup_day_versions: RollupDayVersionsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  heartbeats: HeartbeatsTable;
  projects: ProjectsTable;
  machines: MachinesTable;
  user_agents: UserAgentsTable;
  leader_totals: LeaderTotalsTable;
  leader_languages: LeaderLanguagesTable;
  leader_runs: LeaderRunsTable;
  leaderboards: LeaderboardsTable;
  leaderboard_members: LeaderboardMembersTable;
  aggregate_stats: AggregateStatsTable;
  data_dumps: DataDumpsTable;
  data_dump_parts: DataDumpPartsTable;
  imports: ImportsTable;
  import_parts: ImportPartsTable;
  relay_targets: RelayTargetsTable;
  relay_outbox: RelayOutboxTable;
}

// ---- external durations (issue 12; migration 060) --------------------------------------------

export interface ExternalDurationsTable {
  id: Generated<number>;
  /** Public id, exposed as `id`. */
  uuid: string;
  user_id: number;
  /** The app that reported it: the OAuth app's name, or the API key's (or the request's `provider`). */
  provider: string;
  external_id: string;
  entity: string;
  type: string;
  category: string;
  start_time: number;
  end_time: number;
  project: string | null;
  branch: string | null;
  language: string | null;
  meta: string | null;
  created_at: number;
  modified_at: number;
  /** The OAuth app that created it (migration 062); null for API keys and the web. */
  oauth_app_id: number | null;
}

// declaration merging: this family's tables join the Database interface above
export interface Database {
  external_durations: ExternalDurationsTable;
}

// ---- commits (issue 12; migration 061) -------------------------------------------------------

export interface CommitWebhooksTable {
  id: Generated<number>;
  /** In the webhook's URL. */
  uuid: string;
  user_id: number;
  project: string;
  /** As given: HMAC signatures are checked with it. */
  secret: string;
  /** JSON of the repository a push last described (domain/commit.ts Repository), or null. */
  repository: string | null;
  created_at: number;
  last_delivery_at: number | null;
}

export interface CommitsTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  project: string;
  branch: string;
  hash: string;
  message: string;
  /** github | gitlab | gitea | forgejo | git (imported). */
  source: string;
  html_url: string | null;
  author_name: string | null;
  author_email: string | null;
  author_username: string | null;
  author_url: string | null;
  author_html_url: string | null;
  author_avatar_url: string | null;
  author_date: number;
  committer_name: string | null;
  committer_email: string | null;
  committer_username: string | null;
  committer_url: string | null;
  committer_html_url: string | null;
  committer_avatar_url: string | null;
  committer_date: number;
  created_at: number;
}

export interface Database {
  commit_webhooks: CommitWebhooksTable;
  commits: CommitsTable;
}

// ---- share links: badges and embeds (migration 070_share_links) ----
export interface ShareLinksTable {
  id: Generated<number>;
  uuid: string;
  user_id: number;
  /** sha256 hex of the link's token; the token itself is never stored. */
  token_hash: string;
  token_prefix: string;
  kind: string;
  range: string;
  project: string | null;
  label: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

// (interface merging: this block adds its table to Database without editing the list above)
export interface Database {
  share_links: ShareLinksTable;
}
