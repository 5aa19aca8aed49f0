/**
 * The processes a benchmark run measures (bench/run.ts): Parley nodes on a fresh database and the
 * two relay baselines, started pinned to core 0 (generators run on core 1), with their visitors,
 * CPU and memory, and stopped — all of them, whatever happens — when the run ends.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase, type ScratchDatabase } from '../packages/server/test/scratchDatabase';
import { pool } from './peers';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const PG_ADMIN = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

/** This process, the load generator, on core 1, away from the servers. */
export function pinGenerator(): void {
  if (hasTaskset) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
}

const children = new Set<ChildProcess>();
/** Servers on core 0, generators on core 1, so that they do not steal each other's time. */
export function spawnPinned(core: 0 | 1, args: string[], env: Record<string, string>): ChildProcess {
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const full = hasTaskset ? ['-c', String(core), process.execPath, ...args] : args;
  const child = spawn(cmd, full, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
export function stopAll(): void {
  for (const c of children) c.kill('SIGKILL');
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

export function waitFor(child: ChildProcess, re: RegExp, timeoutMs = 60_000): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout: ${out}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** CPU seconds and resident memory of a process, from /proc (Linux). */
export function procStats(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, rssMiB: Math.round(Number(rss) / 102.4) / 10 };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
    cookie: r.headers.get('set-cookie')?.split(';')[0] ?? '',
  };
}

export interface Server {
  name: string;
  pids: number[];
  /** Visitors connect here… */
  wsUrl: string;
  /** …and the agent here (another node in the cluster). */
  agentUrl: string;
  base: string;
  siteKey: string;
  agentCookie?: string;
  transport: 'ws' | 'socketio';
  stop(): Promise<void>;
}

export function createDatabase(kind: 'sqlite' | 'postgres'): Promise<ScratchDatabase> {
  return scratchDatabase(kind, PG_ADMIN, 'parley_bench');
}

let nextPort = 39100;

/** One or two Parley nodes on a fresh database; the owner's password is changed and the agent signed in. */
export async function startParley(name: string, kind: 'sqlite' | 'postgres', nodes = 1): Promise<Server> {
  const db = await createDatabase(kind);
  const prefix = `parley-bench-${Date.now()}:`;
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-files-'));
  const started: { child: ChildProcess; port: number; banner: string }[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = nextPort++;
    const child = spawnPinned(0, [path.join(ROOT, 'packages/server/bin/parley.js'), 'start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      PARLEY_FILES_DIR: filesDir,
      LOG_LEVEL: 'warn',
      PARLEY_SEND_RATE: '100000',
      PARLEY_VISITOR_SESSIONS_PER_MINUTE: '10000000',
      ...(nodes > 1 && { REDIS_URL, PARLEY_REDIS_PREFIX: prefix, PARLEY_NODE_ID: `bench-${i}` }),
    });
    started.push({ child, port, banner: await waitFor(child, /API docs:/) });
  }
  const first = started[0];
  if (!first) throw new Error('no node');
  const base = `http://127.0.0.1:${first.port}`;
  const email = /Owner: +(\S+)/.exec(first.banner)?.[1] ?? '';
  const oneTime = /Password: +(\S+)/.exec(first.banner)?.[1] ?? '';
  const siteKey = /demo\?site=(\S+)/.exec(first.banner)?.[1] ?? '';
  const login = await postJson(`${base}/api/v1/auth/login`, { email, password: oneTime });
  await postJson(
    `${base}/api/v1/auth/password`,
    { currentPassword: oneTime, newPassword: 'benchmark owner pw' },
    { cookie: login.cookie, 'x-csrf-token': String(login.body.csrfToken) },
  );
  const agent = await postJson(`${base}/api/v1/auth/login`, { email, password: 'benchmark owner pw' });
  const last = started.at(-1) ?? first;
  return {
    name,
    pids: started.map((s) => s.child.pid ?? 0),
    wsUrl: `ws://127.0.0.1:${first.port}/ws`,
    agentUrl: `ws://127.0.0.1:${last.port}/ws`,
    base,
    siteKey,
    agentCookie: agent.cookie,
    transport: 'ws',
    stop: async () => {
      await Promise.all(started.map((s) => stop(s.child)));
      await db.drop();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export async function startRelay(name: 'relay' | 'socketio'): Promise<Server> {
  const port = nextPort++;
  const script = name === 'relay' ? 'bench/relay.ts' : 'bench/socketioRelay.ts';
  const child = spawnPinned(0, ['--import', 'tsx', path.join(ROOT, script)], { PORT: String(port) });
  await waitFor(child, /listening/);
  const url = name === 'relay' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
  return {
    name,
    pids: [child.pid ?? 0],
    wsUrl: url,
    agentUrl: url,
    base: url,
    siteKey: 'x',
    transport: name === 'relay' ? 'ws' : 'socketio',
    stop: () => stop(child),
  };
}

export async function visitorsOf(s: Server, n: number): Promise<{ siteKey: string; token: string }[]> {
  if (s.transport === 'socketio' || s.name === 'relay')
    return Array.from({ length: n }, () => ({ siteKey: 'x', token: 'x' }));
  return pool(Array.from({ length: n }), 32, async () => {
    const v = await postJson(`${s.base}/api/v1/visitor/session`, { siteKey: s.siteKey });
    if (v.status !== 201) throw new Error(`visitor session failed: ${v.status} ${JSON.stringify(v.body)}`);
    return { siteKey: s.siteKey, token: String(v.body.token) };
  });
}
