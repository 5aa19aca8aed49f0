/**
 * `npm run bench`: Parley (SQLite; PostgreSQL; two nodes with Redis) and two baselines (a raw `ws`
 * relay, the ceiling; a Socket.IO relay with rooms, what many teams build) under the same open-loop
 * load, in one run on this machine; then idle connections (memory per visitor) and a reconnect
 * storm. Writes bench/results/<time>.json and the tables in docs/performance.md. Only loopback
 * addresses are used; every process it starts is stopped at the end.
 *
 *   npm run bench                                   everything (about 20 minutes)
 *   npm run bench -- --only=sqlite,idle --quick     a subset, one short repeat
 *   npm run bench -- --rates=1000,2000 --repeats=5
 *
 * Scenarios (--only): relay, socketio, sqlite, postgres, cluster, idle, idle-cluster, storm, analytics
 * (reports over 100,000 conversations on both engines: bench/analytics.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult } from './load';
import { runStorm, type StormResult } from './storm';
import { analyticsTable, runAnalyticsBench, type AnalyticsBenchRow } from './analytics';
import {
  PG_ADMIN,
  ROOT,
  hasTaskset,
  pinGenerator,
  procStats,
  spawnPinned,
  startParley,
  startRelay,
  stopAll,
  visitorsOf,
  waitFor,
  type Server,
} from './targets';
const ALL = [
  'relay',
  'socketio',
  'sqlite',
  'postgres',
  'cluster',
  'idle',
  'idle-cluster',
  'storm',
  'analytics',
];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rates: { type: 'string' },
    repeats: { type: 'string' },
    'idle-sockets': { type: 'string' },
    'storm-visitors': { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const ONLY = (args.only ?? ALL.join(',')).split(',').filter((s) => s !== '');
for (const o of ONLY)
  if (!ALL.includes(o)) throw new Error(`unknown scenario ${o}; known: ${ALL.join(', ')}`);
const RATES = (args.rates ?? (quick ? '1000,5000' : '1000,2000,5000,10000')).split(',').map(Number);
const REPEATS = Number(args.repeats ?? (quick ? 1 : 3));
const VISITORS = 50;
const MEASURE_MS = quick ? 2000 : 4000;
const IDLE_SOCKETS = Number(args['idle-sockets'] ?? (quick ? 2000 : 15_000));
const STORM_VISITORS = Number(args['storm-visitors'] ?? (quick ? 300 : 2000));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

type Run = LoadResult & { cpuPercent: number; rssMiB: number };
interface Row {
  target: string;
  rate: number;
  runs: Run[];
  saturated: boolean;
}

/** Clearly past what the target sustains: the rest of its rates are skipped. */
function saturated(r: LoadResult): boolean {
  return r.delivered < 0.9 * r.sent || r.e2e.p99 > 2000;
}

async function latencyScenario(s: Server): Promise<Row[]> {
  const rows: Row[] = [];
  const visitors = await visitorsOf(s, VISITORS);
  const load = { transport: s.transport, wsUrl: s.wsUrl, agentUrl: s.agentUrl, visitors };
  const withCookie = s.agentCookie === undefined ? load : { ...load, agentCookie: s.agentCookie };
  // Warm-up (JIT, caches, WAL), not recorded.
  await runLoad({ ...withCookie, rate: RATES[0] ?? 1000, warmupMs: 500, measureMs: 1500 });
  for (const rate of RATES) {
    const row: Row = { target: s.name, rate, runs: [], saturated: false };
    for (let r = 0; r < REPEATS; r++) {
      const before = s.pids.map(procStats);
      const t0 = performance.now();
      const res = await runLoad({ ...withCookie, rate, warmupMs: 1000, measureMs: MEASURE_MS });
      const after = s.pids.map(procStats);
      const wall = (performance.now() - t0) / 1000;
      const cpu = after.reduce((n, a, i) => n + a.cpuSeconds - (before[i]?.cpuSeconds ?? 0), 0);
      row.runs.push({
        ...res,
        cpuPercent: Math.round((cpu / wall) * 100),
        rssMiB: Math.round(after.reduce((n, a) => n + a.rssMiB, 0) * 10) / 10,
      });
      process.stdout.write(
        `${s.name} @${rate}/s run ${r + 1}: p50 ${res.e2e.p50} ms, p99 ${res.e2e.p99} ms, delivered ${res.delivered}/${res.sent}, errors ${res.errors}\n`,
      );
      if (saturated(res)) {
        row.saturated = true;
        break;
      }
    }
    rows.push(row);
    if (row.saturated) {
      process.stdout.write(`${s.name}: saturated at ${rate}/s; higher rates skipped\n`);
      break;
    }
  }
  return rows;
}

interface IdleResult {
  scenario: string;
  nodes: number;
  sourceAddresses: string[];
  sockets: number;
  connectPerSecond: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  kibPerVisitor: number;
}

/** Many authenticated, idle visitor sockets; server memory before and after. */
async function idleScenario(scenario: string, nodes: number, perNode: number): Promise<IdleResult> {
  const s = await startParley(scenario, nodes > 1 ? 'postgres' : 'sqlite', nodes);
  try {
    const ports = [s.wsUrl, s.agentUrl].slice(0, nodes);
    // One generator process per node (descriptor limit), each from its own source address.
    const sources = ports.map((_, i) => `127.0.0.${i + 2}`);
    const tokenFiles: string[] = [];
    for (let i = 0; i < ports.length; i++) {
      const file = path.join(os.tmpdir(), `parley-bench-idle-${process.pid}-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(await visitorsOf(s, perNode)));
      tokenFiles.push(file);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const before = s.pids.map(procStats);
    const t0 = performance.now();
    const workers = ports.map((url, i) =>
      spawnPinned(1, ['--import', 'tsx', path.join(ROOT, 'bench/idleWorker.ts')], {
        IDLE_URL: url,
        IDLE_TOKENS: tokenFiles[i] ?? '',
        IDLE_FROM: sources[i] ?? '127.0.0.1',
      }),
    );
    // Generous: a loaded machine connects ~100 visitors a second per node.
    const banners = await Promise.all(
      workers.map((w) => waitFor(w, /ready \d+ \d+/, Math.max(120_000, perNode * 30))),
    );
    // Each worker times its own connects (its start-up is not the server's doing); they ran in parallel.
    const connectMs = Math.max(
      ...banners.map((b) => Number(/ready \d+ (\d+)/.exec(b)?.[1] ?? performance.now() - t0)),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const after = s.pids.map(procStats);
    for (const w of workers) w.kill('SIGKILL');
    for (const f of tokenFiles) fs.rmSync(f, { force: true });
    const sum = (xs: { rssMiB: number }[]) => xs.reduce((n, x) => n + x.rssMiB, 0);
    const sockets = perNode * ports.length;
    const result: IdleResult = {
      scenario,
      nodes,
      sourceAddresses: sources,
      sockets,
      connectPerSecond: Math.round(sockets / (connectMs / 1000)),
      rssBeforeMiB: Math.round(sum(before) * 10) / 10,
      rssAfterMiB: Math.round(sum(after) * 10) / 10,
      kibPerVisitor: Math.round((((sum(after) - sum(before)) * 1024) / sockets) * 10) / 10,
    };
    process.stdout.write(`${scenario}: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await s.stop();
  }
}

async function stormScenario(): Promise<StormResult> {
  const s = await startParley('storm', 'sqlite');
  try {
    const visitors = await visitorsOf(s, STORM_VISITORS);
    const r = await runStorm({ wsUrl: s.wsUrl, visitors, agentCookie: s.agentCookie ?? '' });
    process.stdout.write(`storm: ${JSON.stringify(r)}\n`);
    return r;
  } finally {
    await s.stop();
  }
}

function summarize(rows: Row[]) {
  return rows.map((row) => ({
    target: row.target,
    rate: row.rate,
    repeats: row.runs.length,
    saturated: row.saturated,
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
}
type Summary = ReturnType<typeof summarize>[number];

/** The targets, judged from the medians. */
function targets(summary: Summary[], idle: IdleResult[]): string[] {
  const best = (target: string, p99: number) =>
    Math.max(
      0,
      ...summary
        .filter((s) => s.target === target && s.p99 <= p99 && s.achieved >= 0.98 * s.rate)
        .map((s) => s.rate),
    );
  const at = (target: string, rate: number) => summary.find((s) => s.target === target && s.rate === rate);
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
  if (summary.some((s) => s.target === 'sqlite')) {
    const b = best('sqlite', 50);
    lines.push(
      `- SQLite, one node, ≥ 5,000 durable msg/s at p99 ≤ 50 ms: ${mark(b >= 5000)} (highest rate meeting it: ${b || 'none'} msg/s)`,
    );
    const r = at('sqlite', 1000);
    if (r) lines.push(`- SQLite at 1,000 msg/s, p99 ≤ 10 ms: ${mark(r.p99 <= 10)} (p99 ${r.p99} ms)`);
  }
  if (summary.some((s) => s.target === 'postgres')) {
    const b = best('postgres', 50);
    lines.push(
      `- PostgreSQL, one node, ≥ 3,000 msg/s at p99 ≤ 50 ms: ${mark(b >= 3000)} (highest rate meeting it: ${b || 'none'} msg/s)`,
    );
  }
  const one = idle.find((i) => i.nodes === 1);
  if (one)
    lines.push(
      `- Idle visitor ≤ 10 KiB: ${mark(one.kibPerVisitor <= 10)} (${one.kibPerVisitor} KiB at ${one.sockets} sockets)`,
    );
  return lines;
}

function table(headers: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

async function main(): Promise<void> {
  pinGenerator();
  const started = new Date();
  const rows: Row[] = [];
  // A scenario that fails (a target that does not start, a timeout) is reported, and the run goes on.
  const failures: { scenario: string; error: string }[] = [];
  const attempt = async (scenario: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failures.push({ scenario, error: err instanceof Error ? err.message.slice(0, 300) : String(err) });
      process.stdout.write(`${scenario} failed: ${String(err)}\n`);
    }
  };
  for (const name of ['relay', 'socketio', 'sqlite', 'postgres', 'cluster']) {
    if (!ONLY.includes(name)) continue;
    await attempt(name, async () => {
      const s =
        name === 'relay' || name === 'socketio'
          ? await startRelay(name)
          : await startParley(name, name === 'sqlite' ? 'sqlite' : 'postgres', name === 'cluster' ? 2 : 1);
      try {
        rows.push(...(await latencyScenario(s)));
      } finally {
        await s.stop();
      }
    });
  }
  const idle: IdleResult[] = [];
  if (ONLY.includes('idle'))
    await attempt('idle', async () => void idle.push(await idleScenario('idle', 1, IDLE_SOCKETS)));
  if (ONLY.includes('idle-cluster'))
    await attempt(
      'idle-cluster',
      async () => void idle.push(await idleScenario('idle-cluster', 2, IDLE_SOCKETS)),
    );
  const stormRuns: StormResult[] = [];
  if (ONLY.includes('storm')) await attempt('storm', async () => void stormRuns.push(await stormScenario()));
  const storm = stormRuns[0] ?? null;
  const analytics: AnalyticsBenchRow[] = [];
  if (ONLY.includes('analytics'))
    await attempt('analytics', async () => {
      const engines = ['sqlite', 'postgres'] as const;
      const conversations = quick ? 20_000 : 100_000;
      analytics.push(
        ...(await runAnalyticsBench({
          engines: [...engines],
          conversations,
          repeats: REPEATS + 2,
          pgAdminUrl: PG_ADMIN,
        })),
      );
      process.stdout.write(`\n${analyticsTable(analytics).join('\n')}\n`);
    });

  const summary = summarize(rows);
  const meta = {
    date: started.toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverage: os.loadavg(),
    pinned: hasTaskset,
    visitors: VISITORS,
    measureMs: MEASURE_MS,
    repeats: REPEATS,
    only: ONLY,
    quick,
  };
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(
    path.join(ROOT, `bench/results/${stamp}.json`),
    JSON.stringify({ meta, summary, rows, idle, storm, failures, analytics }, null, 2) + '\n',
  );

  const ratio = (s: Summary, base: string) => {
    const b = summary.find((x) => x.target === base && x.rate === s.rate);
    if (s.target === base) return '1×';
    if (!b || !Number.isFinite(b.p99) || b.p99 <= 0) return '–';
    return `${Math.round((s.p99 / b.p99) * 10) / 10}×`;
  };
  const lines = [
    `Measured ${meta.date.slice(0, 16).replace('T', ' ')} UTC on ${meta.cpus} × ${meta.cpuModel ?? '?'}, Node ${meta.node}; servers ${hasTaskset ? 'pinned to core 0, generator to core 1' : 'not pinned (no taskset)'}; load average at start ${meta.loadAverage.map((x) => x.toFixed(2)).join(' / ')} (the machine is shared).`,
    `Latency: ${VISITORS} visitors → 1 agent connection, open-loop; ${REPEATS} run(s) of ${MEASURE_MS / 1000} s per row after 1 s of warm-up (median; p99 spread in brackets); a row that is clearly saturated stops its target.`,
    '',
    ...table(
      [
        'target',
        'offered msg/s',
        'delivered msg/s',
        'e2e p50 ms',
        'p95 ms',
        'p99 ms [spread]',
        'p99 vs relay',
        'p99 vs socket.io',
        'ack p99 ms',
        'lost',
        'errors',
        'server CPU %',
        'server RSS MiB',
      ],
      summary.map((s) => [
        s.target + (s.saturated ? ' (saturated)' : ''),
        s.rate,
        s.achieved,
        s.p50,
        s.p95,
        `${s.p99} [${s.p99Spread.join('–')}]`,
        ratio(s, 'relay'),
        ratio(s, 'socketio'),
        s.ackP99,
        s.lost,
        s.errors,
        s.cpuPercent,
        s.rssMiB,
      ]),
    ),
  ];
  if (idle.length > 0) {
    lines.push(
      '',
      ...table(
        [
          'idle scenario',
          'nodes',
          'source addresses',
          'visitor sockets',
          'connects/s',
          'server RSS before MiB',
          'after MiB',
          'KiB per visitor',
        ],
        idle.map((i) => [
          i.scenario,
          i.nodes,
          i.sourceAddresses.join(', '),
          i.sockets,
          i.connectPerSecond,
          i.rssBeforeMiB,
          i.rssAfterMiB,
          i.kibPerVisitor,
        ]),
      ),
    );
  }
  if (storm) {
    lines.push(
      '',
      ...table(
        [
          'reconnect storm: visitors',
          'all resumed ms',
          'resume p50 ms',
          'p99 ms',
          'answers lost',
          'duplicates',
          'errors',
        ],
        [
          [
            storm.visitors,
            storm.allResumedMs,
            storm.resumeP50Ms,
            storm.resumeP99Ms,
            storm.lost,
            storm.duplicates,
            storm.errors,
          ],
        ],
      ),
    );
  }
  if (failures.length > 0)
    lines.push(
      '',
      'Scenarios that did not complete:',
      '',
      ...failures.map((f) => `- ${f.scenario}: ${f.error.split('\n')[0] ?? ''}`),
    );
  const verdict = targets(summary, idle);
  if (verdict.length > 0) lines.push('', 'Targets:', '', ...verdict);

  // The table in docs/performance.md is the latency run's: a run of other scenarios leaves it be.
  if (!args['no-docs'] && rows.length > 0) {
    const doc = path.join(ROOT, 'docs/performance.md');
    const text = fs.readFileSync(doc, 'utf8');
    const startMark = '<!-- bench:start -->';
    const endMark = '<!-- bench:end -->';
    const i = text.indexOf(startMark);
    const j = text.indexOf(endMark);
    if (i >= 0 && j > i)
      fs.writeFileSync(
        doc,
        text.slice(0, i + startMark.length) + '\n\n' + lines.join('\n') + '\n\n' + text.slice(j),
      );
  }
  process.stdout.write('\n' + lines.join('\n') + '\n');
}

try {
  await main();
} finally {
  stopAll();
}
