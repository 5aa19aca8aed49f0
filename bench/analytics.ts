/**
 * Analytics over 100,000 conversations (docs/analytics.md, docs/performance.md "Analytics"):
 * seeds one site with a month of conversations and as many in the 30 days before (the previous
 * period every report compares with), their messages and the team's status history,
 * on SQLite and on PostgreSQL, then times the report and the raw CSV export through the analytics
 * worker as the server runs them (its own read-only connection; SQL, computation, hand-over to the
 * main thread), and prints the query plans of the two big reads.
 *
 *   node --import tsx bench/analytics.ts [--conversations=100000] [--repeats=5] [--only=sqlite,postgres]
 *   npm run bench -- --only=analytics
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql, type Insertable, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/database';
import { migrateToLatest } from '../packages/server/src/db/migrate';
import type { DB } from '../packages/server/src/db/schema';
import { openReadConnection } from '../packages/server/src/analytics/readConnection';
import { computeReport, type ReportParams } from '../packages/server/src/analytics/report';
import { WorkerRunner } from '../packages/server/src/analytics/runner';
import { analyticsStore } from '../packages/server/src/analytics/store';
import { dayNumber, midnight } from '../packages/server/src/analytics/zone';

/** Milliseconds: median and fastest wall-clock time of the repeats, median CPU time of this process. */
export interface Timing {
  median: number;
  min: number;
  cpuMedian: number;
}

export interface AnalyticsBenchRow {
  engine: 'sqlite' | 'postgres';
  conversations: number;
  messages: number;
  seedSeconds: number;
  /** Median and fastest of the repeats, ms. */
  report30d: Timing;
  report30dAgent: Timing;
  report7d: Timing;
  csvConversations: Timing & { bytes: number };
  /** The live chat path with no report running, then while 30-day reports run back to back. */
  chatPath: { idle: ChatPathFigures; duringReports: ChatPathFigures };
  loadAverage: number[];
  plan: string[];
}

/** Milliseconds: a small write transaction on the server's own connection, and the event loop's delay. */
export interface ChatPathFigures {
  writes: number;
  writeP50: number;
  writeP99: number;
  writeMax: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

const TZ = 'Europe/Budapest';
const FROM = '2026-09-01';
const TO = '2026-09-30';
const AGENTS = 12;

/** Deterministic data: the same conversations on both engines. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(
  db: Kysely<DB>,
  count: number,
): Promise<{ siteId: string; agentIds: string[]; messages: number }> {
  const random = rng(42);
  const now = Date.now();
  const siteId = randomUUID();
  await db
    .insertInto('sites')
    .values({
      id: siteId,
      key: `bench-${siteId.slice(0, 8)}`,
      name: 'Bench site',
      allowed_origins: '[]',
      settings: JSON.stringify({
        missedAfterSeconds: 120,
        hours: {
          enabled: true,
          timeZone: TZ,
          weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' })),
          holidays: [],
        },
      }),
      identity_secret: 'x',
      created_at: now,
    })
    .execute();
  const agentIds = Array.from({ length: AGENTS }, () => randomUUID());
  await db
    .insertInto('agents')
    .values(
      agentIds.map((id, i) => ({
        id,
        email: `bench-${id}@example.test`,
        name: `Agent ${String(i + 1)}`,
        password_hash: 'x',
        role: 'agent' as const,
        status: 'offline' as const,
        max_chats: 5,
        avatar_url: null,
        avatar_key: null,
        active: 1,
        must_change_password: 0,
        failed_logins: 0,
        locked_until: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('site_agents')
    .values(agentIds.map((agent_id) => ({ site_id: siteId, agent_id })))
    .execute();
  const departments = ['Sales', 'Support', 'Billing'].map((name) => ({
    id: randomUUID(),
    site_id: siteId,
    name,
    created_at: now,
  }));
  await db.insertInto('departments').values(departments).execute();

  // `count` conversations in the month, and as many in the 30 days before (the previous period
  // that every report compares with).
  const days = dayNumber(TO) - dayNumber(FROM) + 1;
  const start = midnight(dayNumber(FROM) - days, TZ);
  const middle = midnight(dayNumber(FROM), TZ);
  const end = midnight(dayNumber(TO) + 1, TZ);
  const total = 2 * count;
  // Shifts: each agent online 08:00–16:00 or 12:00–20:00 local on weekdays, away an hour in between.
  const status: { agent_id: string; status: 'online' | 'away' | 'offline'; at: number }[] = [];
  for (let d = dayNumber(FROM) - 31; d <= dayNumber(TO); d++) {
    const weekday = new Date(d * 86_400_000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const dayStart = midnight(d, TZ);
    agentIds.forEach((agent_id, i) => {
      const from = dayStart + (i % 2 === 0 ? 8 : 12) * 3_600_000;
      status.push({ agent_id, status: 'online', at: from });
      status.push({ agent_id, status: 'away', at: from + 4 * 3_600_000 });
      status.push({ agent_id, status: 'online', at: from + 5 * 3_600_000 });
      status.push({ agent_id, status: 'offline', at: from + 8 * 3_600_000 });
    });
  }
  for (let i = 0; i < status.length; i += 2000)
    await db
      .insertInto('agent_status_log')
      .values(status.slice(i, i + 2000))
      .execute();

  let messages = 0;
  const BATCH = 1000;
  for (let b = 0; b < total; b += BATCH) {
    const convs: DB['conversations'][] = [];
    const visitors: Insertable<DB['visitors']>[] = [];
    const msgs: DB['messages'][] = [];
    for (let k = b; k < Math.min(total, b + BATCH); k++) {
      const [from, to, i] = k < count ? [start, middle, k] : [middle, end, k - count];
      const created = Math.min(to - 1, Math.floor(from + (to - from) * (i / count) + random() * 60_000));
      const id = randomUUID();
      const visitorId = randomUUID();
      const offline = random() < 0.1;
      const replied = !offline && random() < 0.85;
      const reply = created + Math.floor(5_000 + random() * random() * 900_000);
      const closed = random() < 0.8 ? reply + Math.floor(random() * 3_600_000) : null;
      const assignee = replied ? (agentIds[Math.floor(random() * AGENTS)] ?? null) : null;
      const rating = closed !== null && random() < 0.3 ? (random() < 0.85 ? 'good' : 'bad') : null;
      visitors.push({
        id: visitorId,
        site_id: siteId,
        token_hash: visitorId,
        external_id: null,
        verified: 0,
        department_id: null,
        name: null,
        email: null,
        attributes: '{}',
        user_agent: null,
        last_page_url: null,
        last_page_title: null,
        first_seen_at: created,
        last_seen_at: created,
        socket_seen_at: null,
        visit_started_at: created,
        last_page_at: null,
        visits: 1,
      });
      const log: [DB['messages']['author_kind'], number, number][] = [['visitor', created, 0]];
      if (replied) {
        if (random() < 0.2) log.push(['agent', reply - 1000, 1]);
        log.push(['agent', reply, 0]);
        const more = Math.floor(random() * 5);
        for (let m = 1; m <= more; m++) log.push([m % 2 === 1 ? 'visitor' : 'agent', reply + m * 30_000, 0]);
      }
      if (closed !== null) log.push(['system', Math.max(closed, (log.at(-1)?.[1] ?? created) + 1), 0]);
      log.forEach(([kind, at, priv], i) => {
        msgs.push({
          id: randomUUID(),
          conversation_id: id,
          seq: i + 1,
          author_kind: kind,
          author_id: kind === 'visitor' ? visitorId : kind === 'agent' ? assignee : null,
          private: priv,
          body: 'hello',
          attachments: '[]',
          client_msg_id: kind === 'system' ? null : randomUUID(),
          created_at: at,
        });
      });
      messages += log.length;
      convs.push({
        id,
        site_id: siteId,
        visitor_id: visitorId,
        status: closed === null ? 'open' : 'closed',
        assignee_id: assignee,
        department_id: departments[Math.floor(random() * 4)]?.id ?? null,
        last_seq: log.length,
        last_public_seq: log.length,
        created_at: created,
        updated_at: created,
        first_response_at: replied ? reply : null,
        closed_at: closed,
        last_message_at: log.at(-1)?.[1] ?? created,
        last_message_preview: null,
        rating,
        rating_comment: null,
        rated_at: rating === null ? null : closed,
        source: offline ? 'offline_form' : 'chat',
        // Open conversations are closed again in the bench's world (one open per visitor is fine).
        waiting_since: null,
        snoozed_until: null,
        // What the send path writes with these messages (migration 007).
        first_visitor_at: created,
        first_reply_at: replied ? reply : null,
        public_messages: log.filter(([kind, , priv]) => kind !== 'system' && priv === 0).length,
      });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('visitors').values(visitors).execute();
      await trx.insertInto('conversations').values(convs).execute();
      for (let i = 0; i < msgs.length; i += 2000)
        await trx
          .insertInto('messages')
          .values(msgs.slice(i, i + 2000))
          .execute();
    });
  }
  return { siteId, agentIds, messages };
}

/**
 * What reports cost the live chat path, measured where the server would feel it: the delay of this
 * (the main) thread's event loop, and the latency of a small write transaction on the server's
 * write connection every 10 ms (SQLite: does a reader hold up the writer? PostgreSQL: does the
 * report's load?), for `ms`, while `busy` runs or not.
 */
async function chatPath(
  writer: Kysely<DB>,
  siteId: string,
  ms: number,
  busy: (() => Promise<unknown>) | null,
): Promise<ChatPathFigures> {
  const state = { stop: false };
  const load = (async () => {
    while (busy !== null && !state.stop) await busy();
  })();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const latencies: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const t0 = performance.now();
    await writer
      .updateTable('sites')
      .set({ name: `Bench site ${String(latencies.length)}` })
      .where('id', '=', siteId)
      .execute();
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
  loop.disable();
  state.stop = true;
  await load;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) /
    100;
  return {
    writes: latencies.length,
    writeP50: at(0.5),
    writeP99: at(0.99),
    writeMax: at(1),
    loopDelayP99: Math.round(loop.percentile(99) / 1e4) / 100,
    loopDelayMax: Math.round(loop.max / 1e4) / 100,
  };
}

/** Wall-clock time of each repeat, and the CPU time this process spent (SQL on SQLite, decoding, computing). */
async function time(
  repeats: number,
  fn: () => Promise<unknown>,
): Promise<{ median: number; min: number; cpuMedian: number }> {
  await fn(); // warm-up: statement caches, the zone's offsets, JIT
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { median: round(med(runs)), min: round(Math.min(...runs)), cpuMedian: round(med(cpu)) };
}

async function plan(db: Kysely<DB>, engine: 'sqlite' | 'postgres', params: ReportParams): Promise<string[]> {
  // A report asks a week at a time (analytics/store.ts): the plan of the period's first week.
  const start = midnight(params.fromDay, params.timeZone);
  const filter = { siteIds: params.siteIds, start, end: start + 7 * 86_400_000 };
  const out: string[] = [];
  for (const q of [analyticsStore.factsQuery(db, filter, 'period')]) {
    const compiled = q.compile();
    const prefix = engine === 'sqlite' ? 'explain query plan ' : 'explain ';
    const rows = await db.executeQuery<Record<string, unknown>>({ ...compiled, sql: prefix + compiled.sql });
    out.push(...rows.rows.map((r) => String(engine === 'sqlite' ? r.detail : r['QUERY PLAN'])), '');
  }
  return out;
}

export async function runAnalyticsBench(opts: {
  engines: ('sqlite' | 'postgres')[];
  conversations: number;
  repeats: number;
  pgAdminUrl: string;
}): Promise<AnalyticsBenchRow[]> {
  const out: AnalyticsBenchRow[] = [];
  for (const engine of opts.engines) {
    let url: string;
    let drop: () => Promise<void>;
    if (engine === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-analytics-'));
      url = path.join(dir, 'parley.db');
      drop = () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true }));
    } else {
      const name = `parley_bench_analytics_${String(process.pid)}`;
      const admin = new pg.Client({ connectionString: opts.pgAdminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(opts.pgAdminUrl);
      u.pathname = `/${name}`;
      url = u.toString();
      drop = async () => {
        const c = new pg.Client({ connectionString: opts.pgAdminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    }
    const writer = openDatabase({ url });
    try {
      await migrateToLatest(writer.db);
      const t0 = performance.now();
      const seeded = await seed(writer.db, opts.conversations);
      // As a database in use would be: statistics gathered, PostgreSQL's visibility map set.
      await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(writer.db);
      const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
      process.stdout.write(
        `analytics/${engine}: seeded ${String(opts.conversations)} conversations, ${String(seeded.messages)} messages in ${String(seedSeconds)} s\n`,
      );
      const reader = openReadConnection(url);
      try {
        const now = Date.now();
        const month: ReportParams = {
          siteIds: [seeded.siteId],
          fromDay: dayNumber(FROM),
          toDay: dayNumber(TO),
          timeZone: TZ,
          scope: 'all',
        };
        const check = await computeReport(reader, month, now);
        const { current, previous } = check.overview;
        if (current.started !== opts.conversations || previous.started !== opts.conversations)
          throw new Error(
            `report counted ${String(current.started)} + ${String(previous.started)} conversations`,
          );
        // Timed as the server runs them: in the analytics worker, on its own read-only connection.
        const runner = new WorkerRunner(url);
        const report30d = await time(opts.repeats, () => runner.report(month, now));
        const report30dAgent = await time(opts.repeats, () =>
          runner.report({ ...month, assigneeId: seeded.agentIds[0], scope: 'all' }, now),
        );
        const report7d = await time(opts.repeats, () =>
          runner.report({ ...month, fromDay: month.toDay - 6 }, now),
        );
        let bytes = 0;
        const csv = await time(opts.repeats, async () => {
          bytes = (await runner.csv({ kind: 'csv', table: 'conversations', params: month, now })).length;
        });
        const chat = {
          idle: await chatPath(writer.db, seeded.siteId, 5000, null),
          duringReports: await chatPath(writer.db, seeded.siteId, 5000, () => runner.report(month, now)),
        };
        await runner.close();
        const row: AnalyticsBenchRow = {
          engine,
          conversations: opts.conversations,
          messages: seeded.messages,
          seedSeconds,
          report30d,
          report30dAgent,
          report7d,
          csvConversations: { ...csv, bytes },
          chatPath: chat,
          plan: await plan(reader, engine, month),
          loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
        };
        process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
        out.push(row);
      } finally {
        await reader.destroy();
      }
    } finally {
      await writer.close();
      if (process.env.KEEP_BENCH_DB) process.stdout.write(`kept ${url}\n`);
      else await drop();
    }
  }
  return out;
}

export function analyticsTable(rows: readonly AnalyticsBenchRow[]): string[] {
  const t = (x: Timing) => `${String(x.median)} (min ${String(x.min)}, CPU ${String(x.cpuMedian)})`;
  return [
    '| engine | conversations (+ previous period) | messages | report, 30 days, all figures: ms | same, one agent | report, 7 days | raw CSV, 100k rows | load average |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${String(r.conversations)} (+ ${String(r.conversations)}) | ${String(r.messages)} | ${t(r.report30d)} | ${t(r.report30dAgent)} | ${t(r.report7d)} | ${t(r.csvConversations)} | ${r.loadAverage.join(' ')} |`,
    ),
    '',
    '| engine | write p50 / p99 / max ms, no report | same, reports back to back | event-loop delay p99 / max ms, no report | same, reports back to back |',
    '|---|---|---|---|---|',
    ...rows.map((r) => {
      const { idle, duringReports: busy } = r.chatPath;
      return `| ${r.engine} | ${String(idle.writeP50)} / ${String(idle.writeP99)} / ${String(idle.writeMax)} | ${String(busy.writeP50)} / ${String(busy.writeP99)} / ${String(busy.writeMax)} | ${String(idle.loopDelayP99)} / ${String(idle.loopDelayMax)} | ${String(busy.loopDelayP99)} / ${String(busy.loopDelayMax)} |`;
    }),
  ];
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({
    options: {
      conversations: { type: 'string', default: '100000' },
      repeats: { type: 'string', default: '5' },
      only: { type: 'string', default: 'sqlite,postgres' },
    },
  });
  const rows = await runAnalyticsBench({
    engines: values.only
      .split(',')
      .filter((e): e is 'sqlite' | 'postgres' => e === 'sqlite' || e === 'postgres'),
    conversations: Number(values.conversations),
    repeats: Number(values.repeats),
    pgAdminUrl: process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  });
  process.stdout.write(`\n${analyticsTable(rows).join('\n')}\n`);
}
