import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RateLimit } from './realtime/gateway';

export interface ServerConfig {
  port: number;
  host: string;
  /** `postgres://…`, or a SQLite file path. */
  databaseUrl: string;
  /** Base URL printed and used for links; defaults to http://localhost:PORT. */
  publicUrl: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  loginPerMinute: number;
  /** New visitor sessions per client address and minute (offices and mobile carriers share addresses). */
  visitorSessionsPerMinute: number;
  heartbeatMs?: number | undefined;
  helloTimeoutMs?: number | undefined;
  sendRate?: { visitor: RateLimit; agent: RateLimit } | undefined;
  adminEmail: string;
  /** Where uploaded files are kept. */
  filesDir: string;
  maxFileBytes: number;
  /** `smtp://user:pass@host:587` (or `smtps://…:465`): lets the server e-mail transcripts. Unset = no e-mail. */
  smtpUrl?: string | undefined;
  /** Sender of those e-mails, e.g. `Support <support@example.com>`; default parley@<PUBLIC_URL host>. */
  mailFrom?: string | undefined;
  /** Scale-out: `redis://…` switches the event bus and presence to Redis; unset = one node, in-process. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key and channel, so several clusters (or test runs) can share one Redis. */
  redisPrefix?: string | undefined;
  /** This process's name in the cluster (presence entries, job leases, logs). */
  nodeId?: string | undefined;
  /** How long an agent stays "connected" after its node stops refreshing the entry (node death). */
  presenceTtlMs?: number | undefined;
  /** How often each node looks for background jobs that are due. */
  jobsTickMs?: number | undefined;
  /** Overrides every job's period (tests and drills); unset = each job's own. */
  jobsEveryMs?: number | undefined;
}

function int(v: string | undefined, fallback: number): number {
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** `Parley <parley@host>` with the host of PUBLIC_URL (else localhost), when PARLEY_MAIL_FROM is not set. */
export function defaultMailFrom(config: Pick<ServerConfig, 'publicUrl'>): string {
  let host = 'localhost';
  try {
    if (config.publicUrl !== undefined) host = new URL(config.publicUrl).hostname || host;
  } catch {
    /* an unparsable PUBLIC_URL keeps localhost */
  }
  return `Parley <parley@${host}>`;
}

/** Configuration comes from the environment only (twelve-factor); every key has a working default. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = env.PARLEY_DATA_DIR ?? path.resolve('data');
  const databaseUrl = env.DATABASE_URL ?? path.join(dataDir, 'parley.db');
  // Files sit beside a SQLite database (one directory to back up), else in the data directory.
  const isSqliteFile = !/^postgres(ql)?:/.test(databaseUrl) && databaseUrl !== ':memory:';
  const filesDir =
    env.PARLEY_FILES_DIR ??
    path.join(isSqliteFile ? path.dirname(path.resolve(databaseUrl)) : dataDir, 'files');
  return {
    port: int(env.PORT, 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    publicUrl: env.PUBLIC_URL,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    loginPerMinute: int(env.PARLEY_LOGIN_PER_MINUTE, 10),
    visitorSessionsPerMinute: int(env.PARLEY_VISITOR_SESSIONS_PER_MINUTE, 300),
    heartbeatMs: env.PARLEY_HEARTBEAT_MS ? int(env.PARLEY_HEARTBEAT_MS, 25_000) : undefined,
    sendRate: env.PARLEY_SEND_RATE
      ? {
          visitor: { perSecond: int(env.PARLEY_SEND_RATE, 10), burst: 3 * int(env.PARLEY_SEND_RATE, 10) },
          agent: { perSecond: 2 * int(env.PARLEY_SEND_RATE, 10), burst: 6 * int(env.PARLEY_SEND_RATE, 10) },
        }
      : undefined,
    adminEmail: env.PARLEY_ADMIN_EMAIL ?? 'admin@parley.local',
    filesDir,
    maxFileBytes: int(env.PARLEY_MAX_FILE_MB, 10) * 1024 * 1024,
    smtpUrl: env.SMTP_URL === '' ? undefined : env.SMTP_URL,
    mailFrom: env.PARLEY_MAIL_FROM === '' ? undefined : env.PARLEY_MAIL_FROM,
    redisUrl: env.REDIS_URL === '' ? undefined : env.REDIS_URL,
    redisPrefix: env.PARLEY_REDIS_PREFIX ?? 'parley:',
    // Unique per process unless pinned: a restarted process is a new member of the cluster.
    nodeId: env.PARLEY_NODE_ID ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    presenceTtlMs: int(env.PARLEY_PRESENCE_TTL_MS, 30_000),
    jobsTickMs: int(env.PARLEY_JOBS_TICK_MS, 5000),
    jobsEveryMs: env.PARLEY_JOBS_EVERY_MS ? int(env.PARLEY_JOBS_EVERY_MS, 60_000) : undefined,
  };
}
