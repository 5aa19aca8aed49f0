import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { configFromEnv } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { startServer } from './server';
import { createMetrics } from './ops/metrics';
import { LocalPresence } from './presence/presence';
import { InProcessBus } from './shared/events';
import { systemClock } from './shared/clock';
import type { AppContext } from './shared/context';
import { AppError } from './shared/errors';
import { createAgent, resetPassword } from './agents/actions';
import { generatePassword } from './agents/password';
import { createSite } from './sites/actions';
import { AgentCreateRequest, SiteCreateRequest } from '@parley/protocol';

const USAGE = `parley — self-hosted live chat

Usage:
  parley start                         start the server (PORT, DATABASE_URL, … from the environment)
  parley migrate                       apply database migrations and exit
  parley agent create --email E --name N [--role owner|admin|agent] [--password P] [--site SITE_ID ...]
  parley agent reset-password --email E [--password P]
  parley site create --name N [--origin https://example.com ...]

Environment: PORT (3000), HOST (0.0.0.0), DATABASE_URL (./data/parley.db or postgres://…),
PUBLIC_URL, LOG_LEVEL, TRUST_PROXY, PARLEY_ADMIN_EMAIL.`;

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = configFromEnv();
  const database = openDatabase({ url: config.databaseUrl });
  const log = pino({ level: 'warn' });
  try {
    await migrateToLatest(database.db);
    return await fn({
      db: database.db,
      dialect: database.dialect,
      bus: new InProcessBus(),
      clock: systemClock,
      log,
      metrics: createMetrics(),
      commits: database.commits,
      presence: new LocalPresence(),
    });
  } finally {
    await database.close();
  }
}

function print(lines: string[]): void {
  process.stdout.write(lines.join('\n') + '\n');
}

async function start(): Promise<number> {
  const config = configFromEnv();
  const server = await startServer(config);
  const { owner, demoSiteKey } = server.firstRun;
  const lines = [
    '',
    `  Parley is running at ${server.url}  (database: ${server.database.dialect})`,
    '',
    `  Console:   ${server.url}/console`,
  ];
  if (owner) {
    lines.push(
      `  Owner:     ${owner.email}`,
      `  Password:  ${owner.password}   (one-time: you will be asked to change it)`,
    );
  } else {
    lines.push(
      '  Owner account exists; forgot the password? `npm run parley -- agent reset-password --email …`',
    );
  }
  if (demoSiteKey) lines.push(`  Demo page: ${server.url}/demo?site=${demoSiteKey}`);
  lines.push(`  API docs:  ${server.url}/api/docs`, '');
  print(lines);
  const stop = (signal: string) => {
    server.ctx.log.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => undefined);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub] = argv;
  const { values } = parseArgs({
    args: argv.slice(cmd === 'agent' || cmd === 'site' ? 2 : 1),
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      site: { type: 'string', multiple: true },
      origin: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  try {
    if (values.help || cmd === undefined || cmd === 'help') {
      print([USAGE]);
      return cmd === undefined ? 1 : 0;
    }
    if (cmd === 'start') return await start();
    if (cmd === 'migrate') {
      const r = await withContext(async (ctx) => ({
        ...(await migrateToLatest(ctx.db)),
        dialect: ctx.dialect,
      }));
      print([`migrations up to date (${r.dialect})`]);
      return 0;
    }
    if (cmd === 'agent' && sub === 'create') {
      const password = values.password ?? generatePassword();
      const input = AgentCreateRequest.parse({
        email: values.email,
        name: values.name,
        role: values.role ?? 'agent',
        password,
        siteIds: values.site ?? [],
      });
      const agent = await withContext((ctx) =>
        createAgent(ctx, null, { ...input, mustChangePassword: values.password === undefined }),
      );
      print([
        `created ${agent.role} ${agent.email} (${agent.id})`,
        ...(values.password === undefined ? [`one-time password: ${password}`] : []),
      ]);
      return 0;
    }
    if (cmd === 'agent' && sub === 'reset-password') {
      if (!values.email) throw new AppError('validation_failed', '--email is required');
      const password = values.password ?? generatePassword();
      await withContext((ctx) => resetPassword(ctx, values.email ?? '', password));
      print([`password reset for ${values.email}; all sessions ended`, `one-time password: ${password}`]);
      return 0;
    }
    if (cmd === 'site' && sub === 'create') {
      const input = SiteCreateRequest.parse({ name: values.name, allowedOrigins: values.origin ?? [] });
      const site = await withContext((ctx) => createSite(ctx, null, input));
      print([`created site ${site.name} (${site.id})`, `site key: ${site.key}`]);
      return 0;
    }
    print([USAGE]);
    return 1;
  } catch (e) {
    const msg =
      e instanceof AppError ? e.message : e instanceof Error && e.name === 'ZodError' ? e.message : String(e);
    process.stderr.write(`parley: ${msg}\n`);
    return 2;
  }
}
