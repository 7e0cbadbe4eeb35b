/** Runs the server: open the database, migrate, listen, and shut down gracefully on signals. */
import { buildApp, type App } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './storage/db.js';
import { migrateToLatest } from './storage/migrate.js';

export async function startServer(config: Config): Promise<App> {
  const storage = openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  const applied = await migrateToLatest(storage);
  const app = await buildApp({ config, storage });
  if (applied.length) app.log.info({ migrations: applied }, 'migrations applied');
  app.addHook('onClose', async () => {
    await storage.close();
  });
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: `${storage.dialect} ${storage.location}`, baseUrl: config.baseUrl }, 'Metronome is listening');

  const shutdown = async (signal: string) => {
    if (closing) return;
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    // Keep-alive connections that finish a request after close() began would otherwise stay open
    // until their keep-alive timeout: answer with `Connection: close` and drop idle sockets.
    closing = true;
    const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
    sweeper.unref();
    const timer = setTimeout(() => {
      app.log.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    timer.unref();
    try {
      await app.close();
      process.exit(process.exitCode ?? 0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  // background jobs (pg-boss installs or migrates its `pgboss` schema first), once signals are handled
  try {
    await app.ctx.services.startBackground();
  } catch (err) {
    app.log.fatal({ err }, 'background jobs could not start');
    process.exitCode = 1;
    void shutdown('startup failure');
  }
  return app;
}
