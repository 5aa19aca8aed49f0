/**
 * `npm run bench`: Parley on SQLite and on PostgreSQL, and a raw `ws` relay as the ceiling, under
 * the same open-loop load, in one run on this machine. Writes bench/results/<time>.json and the
 * table in docs/performance.md. Only loopback addresses are used; every process is stopped at the end.
 *
 * Environment: BENCH_RATES (default "500,1000,2000"), BENCH_REPEATS (3), BENCH_VISITORS (50),
 * BENCH_MEASURE_MS (4000), BENCH_TARGETS ("relay,sqlite,postgres").
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runLoad, type LoadResult } from './load';

const ROOT = path.resolve(import.meta.dirname, '..');
const RATES = (process.env.BENCH_RATES ?? '500,1000,2000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const VISITORS = Number(process.env.BENCH_VISITORS ?? 50);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 4000);
const TARGETS = (process.env.BENCH_TARGETS ?? 'relay,sqlite,postgres').split(',');
const PG_ADMIN = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

/** Server on core 0, this generator on core 1, so that they do not steal each other's time. */
function spawnPinned(args: string[], env: Record<string, string>): ChildProcess {
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const full = hasTaskset ? ['-c', '0', process.execPath, ...args] : args;
  return spawn(cmd, full, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitFor(child: ChildProcess, re: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout: ${out}`)), 60_000);
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

/** CPU seconds and resident memory of a process, from /proc (Linux). */
function procStats(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, rssMiB: Math.round(Number(rss) / 102.4) / 10 };
}

interface Target {
  name: string;
  child: ChildProcess;
  pid: number;
  wsUrl: string;
  visitors: { siteKey: string; token: string }[];
  agentCookie?: string;
  stop(): Promise<void>;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
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

async function startParley(name: 'sqlite' | 'postgres', port: number): Promise<Target> {
  let databaseUrl: string;
  let dropDb: () => Promise<void>;
  if (name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
    databaseUrl = path.join(dir, 'parley.db');
    dropDb = () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true }));
  } else {
    const db = `parley_bench_${Date.now()}`;
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`CREATE DATABASE ${db}`);
    await c.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${db}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const d = new pg.Client({ connectionString: PG_ADMIN });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await d.end();
    };
  }
  const child = spawnPinned([path.join(ROOT, 'packages/server/bin/parley.js'), 'start'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    PARLEY_SEND_RATE: '100000',
    PARLEY_VISITOR_SESSIONS_PER_MINUTE: '100000',
  });
  const banner = await waitFor(child, /API docs:/);
  const base = `http://127.0.0.1:${port}`;
  const email = /Owner: +(\S+)/.exec(banner)?.[1] ?? '';
  const oneTime = /Password: +(\S+)/.exec(banner)?.[1] ?? '';
  const siteKey = /demo\?site=(\S+)/.exec(banner)?.[1] ?? '';
  const first = await postJson(`${base}/api/v1/auth/login`, { email, password: oneTime });
  await postJson(
    `${base}/api/v1/auth/password`,
    { currentPassword: oneTime, newPassword: 'benchmark owner pw' },
    { cookie: first.cookie, 'x-csrf-token': String(first.body.csrfToken) },
  );
  const agent = await postJson(`${base}/api/v1/auth/login`, { email, password: 'benchmark owner pw' });
  const visitors = [];
  for (let i = 0; i < VISITORS; i++) {
    const v = await postJson(`${base}/api/v1/visitor/session`, { siteKey });
    if (v.status !== 201) throw new Error(`visitor session failed: ${v.status} ${JSON.stringify(v.body)}`);
    visitors.push({ siteKey, token: String(v.body.token) });
  }
  return {
    name,
    child,
    pid: child.pid ?? 0,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    visitors,
    agentCookie: agent.cookie,
    stop: async () => {
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      });
      await dropDb();
    },
  };
}

async function startRelay(port: number): Promise<Target> {
  const child = spawnPinned(['--import', 'tsx', path.join(ROOT, 'bench/relay.ts')], { PORT: String(port) });
  await waitFor(child, /relay listening/);
  return {
    name: 'relay',
    child,
    pid: child.pid ?? 0,
    wsUrl: `ws://127.0.0.1:${port}`,
    visitors: Array.from({ length: VISITORS }, () => ({ siteKey: 'x', token: 'x' })),
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

interface Row {
  target: string;
  rate: number;
  runs: (LoadResult & { cpuPercent: number; rssMiB: number })[];
}

async function main(): Promise<void> {
  if (hasTaskset) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const rows: Row[] = [];
  let port = 39100;
  for (const name of TARGETS) {
    const target =
      name === 'relay' ? await startRelay(port++) : await startParley(name as 'sqlite' | 'postgres', port++);
    try {
      // Warm-up run (JIT, caches, WAL), not recorded.
      await runLoad({
        wsUrl: target.wsUrl,
        visitors: target.visitors,
        agentCookie: target.agentCookie,
        rate: RATES[0] ?? 500,
        warmupMs: 500,
        measureMs: 1500,
      });
      for (const rate of RATES) {
        const row: Row = { target: name, rate, runs: [] };
        for (let r = 0; r < REPEATS; r++) {
          const before = procStats(target.pid);
          const t0 = performance.now();
          const res = await runLoad({
            wsUrl: target.wsUrl,
            visitors: target.visitors,
            agentCookie: target.agentCookie,
            rate,
            warmupMs: 1000,
            measureMs: MEASURE_MS,
          });
          const after = procStats(target.pid);
          const wall = (performance.now() - t0) / 1000;
          row.runs.push({
            ...res,
            cpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / wall) * 100),
            rssMiB: after.rssMiB,
          });
          process.stdout.write(
            `${name} @${rate}/s run ${r + 1}: p50 ${res.e2e.p50} ms, p99 ${res.e2e.p99} ms, delivered ${res.delivered}/${res.sent}, errors ${res.errors}\n`,
          );
        }
        rows.push(row);
      }
    } finally {
      await target.stop();
    }
  }
  const summary = rows.map((row) => ({
    target: row.target,
    rate: row.rate,
    achieved: median(row.runs.map((r) => r.achievedRate)),
    p50: median(row.runs.map((r) => r.e2e.p50)),
    p95: median(row.runs.map((r) => r.e2e.p95)),
    p99: median(row.runs.map((r) => r.e2e.p99)),
    p99Spread: [Math.min(...row.runs.map((r) => r.e2e.p99)), Math.max(...row.runs.map((r) => r.e2e.p99))],
    ackP99: median(row.runs.map((r) => r.ack.p99)),
    lost: row.runs.reduce((n, r) => n + (r.sent - r.delivered), 0),
    errors: row.runs.reduce((n, r) => n + r.errors, 0),
    cpuPercent: median(row.runs.map((r) => r.cpuPercent)),
    rssMiB: median(row.runs.map((r) => r.rssMiB)),
  }));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    pinned: hasTaskset,
    visitors: VISITORS,
    measureMs: MEASURE_MS,
    repeats: REPEATS,
  };
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, `bench/results/${stamp}.json`),
    JSON.stringify({ meta, summary, rows }, null, 2) + '\n',
  );

  const relayP99 = new Map(summary.filter((s) => s.target === 'relay').map((s) => [s.rate, s.p99]));
  const lines = [
    `Measured ${meta.date.slice(0, 10)} on ${meta.cpus} × ${meta.cpuModel ?? '?'}, Node ${meta.node}; server ${hasTaskset ? 'pinned to core 0, generator to core 1' : 'not pinned (no taskset)'}; ${VISITORS} visitors → 1 agent connection; ${REPEATS} runs of ${MEASURE_MS / 1000} s per row (median, p99 spread in brackets).`,
    '',
    '| target | offered msg/s | delivered msg/s | e2e p50 ms | p95 ms | p99 ms [spread] | p99 vs relay | ack p99 ms | lost | errors | server CPU % | server RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...summary.map((s) => {
      const base = relayP99.get(s.rate);
      const ratio =
        s.target === 'relay' || base === undefined ? '1×' : `${Math.round((s.p99 / base) * 10) / 10}×`;
      return `| ${s.target} | ${s.rate} | ${s.achieved} | ${s.p50} | ${s.p95} | ${s.p99} [${s.p99Spread.join('–')}] | ${ratio} | ${s.ackP99} | ${s.lost} | ${s.errors} | ${s.cpuPercent} | ${s.rssMiB} |`;
    }),
  ];
  const doc = path.join(ROOT, 'docs/performance.md');
  const text = fs.readFileSync(doc, 'utf8');
  const startMark = '<!-- bench:start -->';
  const endMark = '<!-- bench:end -->';
  const i = text.indexOf(startMark);
  const j = text.indexOf(endMark);
  if (i >= 0 && j > i)
    fs.writeFileSync(
      doc,
      text.slice(0, i + startMark.length) + '\n' + lines.join('\n') + '\n' + text.slice(j),
    );
  process.stdout.write('\n' + lines.join('\n') + '\n');
}

await main();
