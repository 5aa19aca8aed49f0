import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from './db/database';
import { migrateToLatest } from './db/migrate';
import { buildApp } from './app';
import { createMetrics } from './ops/metrics';
import type { Presence } from './presence/presence';
import type { EventBus } from './shared/events';
import { systemClock, type Clock } from './shared/clock';
import type { AppContext } from './shared/context';
import { Gateway } from './realtime/gateway';
import { analyticsRunner } from './analytics/runner';
import { attachWebSocket } from './realtime/wsServer';
import { SESSION_COOKIE } from './auth/http';
import { ensureFirstRun, type FirstRun } from './bootstrap/firstRun';
import type { ServerConfig } from './config';
import { normalizeOrigin } from './sites/origins';
import { diskStorage } from './files/storage';
import { defaultMailFrom } from './config';
import { smtpMailer } from './mail/mailer';
import { joinCluster, type ClusterLink } from './cluster/cluster';
import { JobRunner } from './jobs/runner';
import { builtinJobs } from './jobs/builtin';
import { Resync } from './realtime/resync';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  gateway: Gateway;
  database: Database;
  firstRun: FirstRun;
  jobs: JobRunner;
  cluster: ClusterLink;
  /** Graceful: stop accepting, tell clients to reconnect, finish in-flight frames, close. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Both given: used as they are (tests); otherwise REDIS_URL decides (cluster/cluster.ts). */
  bus?: EventBus;
  presence?: Presence;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: 'parley' } });
  const database = openDatabase({ url: config.databaseUrl });
  const migrated = await migrateToLatest(database.db);
  if (migrated.applied.length > 0)
    logger.info({ applied: migrated.applied, dialect: database.dialect }, 'migrations applied');

  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const nodeId = config.nodeId ?? `node-${process.pid}`;
  const joined = await joinCluster({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix ?? 'parley:',
    nodeId,
    presenceTtlMs: config.presenceTtlMs ?? 30_000,
    clock,
    log: logger,
    metrics,
  });
  const cluster: ClusterLink = {
    ...joined,
    bus: opts.bus ?? joined.bus,
    presence: opts.presence ?? joined.presence,
  };

  const ctx: AppContext = {
    db: database.db,
    dialect: database.dialect,
    bus: cluster.bus,
    clock,
    log: logger,
    metrics,
    commits: database.commits,
    presence: cluster.presence,
  };
  const storage = diskStorage(config.filesDir);
  const jobs = new JobRunner(ctx.db, {
    nodeId,
    clock,
    log: logger,
    tickMs: config.jobsTickMs ?? 5000,
    everyMs: config.jobsEveryMs,
    onRun: (job, outcome) => metrics.jobRuns.inc({ job, outcome }),
  });
  for (const job of builtinJobs(ctx, { storage })) jobs.register(job);
  // Nodes starting together on an empty database must create one owner and one demo site.
  const firstRun = await jobs.exclusive('bootstrap.first-run', () => ensureFirstRun(ctx, config.adminEmail));
  const gateway = new Gateway(ctx, {
    heartbeatMs: config.heartbeatMs,
    helloTimeoutMs: config.helloTimeoutMs,
    consoleOrigin: config.publicUrl === undefined ? null : normalizeOrigin(config.publicUrl),
    sendRate: config.sendRate,
  });
  const mailer = config.smtpUrl
    ? smtpMailer(config.smtpUrl, config.mailFrom ?? defaultMailFrom(config))
    : null;
  const analytics = analyticsRunner(config.databaseUrl, ctx.db);
  const app = await buildApp(ctx, {
    trustProxy: config.trustProxy,
    loginPerMinute: config.loginPerMinute,
    visitorSessionsPerMinute: config.visitorSessionsPerMinute,
    files: { storage, maxBytes: config.maxFileBytes },
    mailer,
    publicUrl: config.publicUrl,
    ping: () => database.ping(),
    checks: () => cluster.checks(),
    gateway,
    logger,
    analytics,
  });
  const wss = attachWebSocket(app.server, gateway, {
    sessionCookie: SESSION_COOKIE,
    trustProxy: config.trustProxy,
  });
  const resync = new Resync(gateway.registry, clock, logger);
  const stopGaps = cluster.onGap((at) => resync.gap(at));
  await app.listen({ port: config.port, host: config.host });
  await jobs.start();
  const addr = app.server.address() as AddressInfo;
  const url =
    config.publicUrl ??
    `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${addr.port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      cluster.freeze();
      await gateway.drain();
      await jobs.stop();
      stopGaps();
      resync.stop();
      gateway.stop();
      wss.close();
      await app.close();
      await analytics.close();
      await ctx.bus.close();
      await ctx.presence.close();
      await cluster.close();
      mailer?.close();
      await database.close();
    })());
  return { url, app, ctx, gateway, database, firstRun, jobs, cluster, close };
}
