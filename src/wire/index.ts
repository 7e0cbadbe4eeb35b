/**
 * Wire resources: what the API returns, one TypeBox schema per resource (a route's `response`
 * schema, so /api/docs documents it) and one mapping function from the domain shape. One file per
 * resource family; the web app imports the same types.
 */
export * from './common.js';
export * from './summary.js';
export * from './stats.js';
export * from './insight.js';
export * from './duration.js';
export * from './user.js';
export * from './heartbeat.js';
export * from './project.js';
export * from './machine-name.js';
export * from './user-agent.js';
export * from './editor.js';
export * from './program-language.js';
export * from './meta.js';
export * from './health.js';
export * from './api-key.js';
export * from './oauth.js';
export * from './session.js';
export * from './leaders.js';
export * from './org.js';
export * from './goal.js';
export * from './data-dump.js';
export * from './import.js';
export * from './relay.js';
export * from './external-duration.js';
export * from './commit.js';
export * from './activity.js';
export * from './dashboard.js';
export * from './share-link.js';
