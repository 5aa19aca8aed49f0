import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from './db/database';
import { migrateToLatest } from './db/migrate';
import { buildApp } from './app';
import { createMetrics } from './ops/metrics';
import { LocalPresence, type Presence } from './presence/presence';
import { InProcessBus, type EventBus } from './shared/events';
import { systemClock, type Clock } from './shared/clock';
import type { AppContext } from './shared/context';
import { Gateway } from './realtime/gateway';
import { attachWebSocket } from './realtime/wsServer';
import { SESSION_COOKIE } from './auth/http';
import { ensureFirstRun, type FirstRun } from './bootstrap/firstRun';
import type { ServerConfig } from './config';
import { normalizeOrigin } from './sites/origins';
import { diskStorage } from './files/storage';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  gateway: Gateway;
  database: Database;
  firstRun: FirstRun;
  /** Graceful: stop accepting, tell clients to reconnect, finish in-flight frames, close. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  bus?: EventBus;
  presence?: Presence;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'parley' } });
  const database = openDatabase({ url: config.databaseUrl });
  const migrated = await migrateToLatest(database.db);
  if (migrated.applied.length > 0)
    logger.info({ applied: migrated.applied, dialect: database.dialect }, 'migrations applied');

  const ctx: AppContext = {
    db: database.db,
    dialect: database.dialect,
    bus:
      opts.bus ??
      new InProcessBus((err, event) => logger.error({ err, event: event.type }, 'event subscriber failed')),
    clock: opts.clock ?? systemClock,
    log: logger,
    metrics: createMetrics(),
    commits: database.commits,
    presence: opts.presence ?? new LocalPresence(),
  };
  const firstRun = await ensureFirstRun(ctx, config.adminEmail);
  const gateway = new Gateway(ctx, {
    heartbeatMs: config.heartbeatMs,
    helloTimeoutMs: config.helloTimeoutMs,
    consoleOrigin: config.publicUrl === undefined ? null : normalizeOrigin(config.publicUrl),
    sendRate: config.sendRate,
  });
  const app = await buildApp(ctx, {
    trustProxy: config.trustProxy,
    loginPerMinute: config.loginPerMinute,
    visitorSessionsPerMinute: config.visitorSessionsPerMinute,
    files: { storage: diskStorage(config.filesDir), maxBytes: config.maxFileBytes },
    ping: () => database.ping(),
    gateway,
    logger,
  });
  const wss = attachWebSocket(app.server, gateway, {
    sessionCookie: SESSION_COOKIE,
    trustProxy: config.trustProxy,
  });
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address() as AddressInfo;
  const url =
    config.publicUrl ??
    `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${addr.port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await gateway.drain();
      gateway.stop();
      wss.close();
      await app.close();
      await ctx.bus.close();
      await ctx.presence.close();
      await database.close();
    })());
  return { url, app, ctx, gateway, database, firstRun, close };
}
