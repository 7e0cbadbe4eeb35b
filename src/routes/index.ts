/**
 * Every endpoint family, one file each, registered in this order. Add yours here.
 */
import type { RouteFamily } from './types.js';
import { healthRoutes } from './health.js';
import { userRoutes } from './users.js';
import { heartbeatRoutes } from './heartbeats.js';
import { projectRoutes } from './projects.js';
import { machineNameRoutes } from './machine-names.js';
import { userAgentRoutes } from './user-agents.js';
import { apiKeyRoutes } from './api-keys.js';
import { catalogRoutes } from './catalogs.js';
import { summaryRoutes } from './summaries.js';
import { statsRoutes } from './stats.js';
import { durationRoutes } from './durations.js';
import { insightRoutes } from './insights.js';
import { accountRoutes } from './accounts.js';
import { oauthRoutes } from './oauth.js';
import { oauthAppRoutes } from './oauth-apps.js';
import { dataDumpRoutes } from './data-dumps.js';
import { relayRoutes } from './relay.js';
import { importRoutes } from './imports.js';
import { leaderRoutes } from './leaders.js';
import { orgRoutes } from './orgs.js';
import { adminRoutes } from './admin.js';
import { goalRoutes } from './goals.js';
import { mailRoutes } from './mail.js';
import { externalDurationRoutes } from './external-durations.js';
import { commitRoutes } from './commits.js';
import { commitWebhookRoutes } from './commit-webhooks.js';
import { dashboardRoutes } from './dashboard.js';
import { accountSettingsRoutes } from './account-settings.js';
import { shareLinkRoutes } from './share-links.js';

export const routeFamilies: RouteFamily[] = [
  healthRoutes,
  userRoutes,
  heartbeatRoutes,
  projectRoutes,
  machineNameRoutes,
  userAgentRoutes,
  apiKeyRoutes,
  catalogRoutes,
  summaryRoutes,
  statsRoutes,
  durationRoutes,
  insightRoutes,
  accountRoutes,
  oauthRoutes,
  oauthAppRoutes,
  leaderRoutes,
  orgRoutes,
  adminRoutes,
  goalRoutes,
  mailRoutes,
  externalDurationRoutes,
  commitRoutes,
  commitWebhookRoutes,
  dataDumpRoutes,
  relayRoutes,
  importRoutes,
  dashboardRoutes,
  accountSettingsRoutes,
  shareLinkRoutes,
];
