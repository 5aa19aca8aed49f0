import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsLive, AnalyticsReport } from '@parley/protocol';
import {
  agentSocket,
  createAgent,
  createSite,
  http,
  useTestServer,
  visitorSocket,
  createVisitor,
} from './helpers';
import { FakeClock, at, seedConversation, seedStatus } from './analyticsFactories';

/**
 * Reports over conversations with known timestamps (docs/analytics.md), through the REST API and
 * the analytics worker, on SQLite and PostgreSQL. The site is in Europe/Budapest, open Monday to
 * Friday 09:00–17:00, and answers count within 120 s. The period is the week of the autumn clock
 * change (Sunday 2025-10-26: 03:00 CEST → 02:00 CET), so that Sunday has 25 hours.
 */
const clock = new FakeClock(at('2025-11-05T12:00:00Z'));
const t = useTestServer({}, { clock });

const WEEK = '?from=2025-10-20&to=2025-10-26';
const s = (ms: number): number => ms * 1000;
const min = (m: number): number => m * 60_000;

let agentA: Awaited<ReturnType<typeof createAgent>>;
let sales: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const { server, owner } = t;
  const db = server.ctx.db;
  const patched = await http(server, 'PATCH', `/api/v1/sites/${server.siteId}`, {
    agent: owner,
    body: {
      settings: {
        missedAfterSeconds: 120,
        hours: {
          enabled: true,
          timeZone: 'Europe/Budapest',
          weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
          holidays: [],
        },
      },
    },
  });
  expect(patched.status).toBe(200);
  agentA = await createAgent(server, owner, { name: 'Ann' });
  const dept = await http<{ department: { id: string } }>(server, 'POST', '/api/v1/departments', {
    agent: owner,
    body: {
      name: '=HYPERLINK("http://evil.example","Sales")',
      siteId: server.siteId,
      agentIds: [agentA.agentId],
    },
  });
  expect(dept.status).toBe(201);
  sales = dept.body.department.id;

  // Who was online (Budapest is UTC+2 until 2025-10-26 01:00 UTC, then UTC+1).
  await seedStatus(db, owner.agentId, [
    [at('2025-10-01T00:00:00Z'), 'online'],
    [at('2025-10-24T16:00:00Z'), 'offline'], // Friday 18:00
  ]);
  await seedStatus(db, agentA.agentId, [
    [at('2025-10-20T06:00:00Z'), 'online'], // Monday 08:00
    [at('2025-10-20T10:00:00Z'), 'away'], // 12:00
    [at('2025-10-20T11:00:00Z'), 'online'], // 13:00
    [at('2025-10-24T15:45:00Z'), 'offline'], // Friday 17:45
  ]);

  const site = server.siteId;
  const A = agentA.agentId;
  const O = owner.agentId;
  const chat = (iso: string) => ({ siteId: site, createdAt: at(iso) });
  // Previous week: two chats answered in 60 s and 100 s.
  for (const [iso, reply, rating] of [
    ['2025-10-13T08:00:00Z', 60, 'good'],
    ['2025-10-14T08:00:00Z', 100, null],
  ] as const) {
    await seedConversation(db, {
      ...chat(iso),
      assigneeId: A,
      rating,
      messages: [
        { kind: 'visitor', at: at(iso) },
        { kind: 'agent', at: at(iso) + s(reply) },
      ],
    });
  }
  // C12 Monday 00:10 local (Sunday 22:10 UTC): closed hours, owner online → deadline Monday 09:02; answered at 00:20.
  ids.c12 = await seedConversation(db, {
    ...chat('2025-10-19T22:10:00Z'),
    assigneeId: O,
    closedAt: at('2025-10-19T22:40:00Z'),
    messages: [
      { kind: 'visitor', at: at('2025-10-19T22:10:00Z') },
      { kind: 'agent', at: at('2025-10-19T22:20:00Z') },
      { kind: 'system', at: at('2025-10-19T22:40:00Z') },
    ],
  });
  // C1 Monday 10:00: a bot at +5 s and a private note at +10 s are not answers; Ann at +30 s is.
  const c1 = at('2025-10-20T08:00:00Z');
  ids.c1 = await seedConversation(db, {
    ...chat('2025-10-20T08:00:00Z'),
    assigneeId: A,
    departmentId: sales,
    closedAt: c1 + min(10),
    rating: 'good',
    messages: [
      { kind: 'visitor', at: c1 },
      { kind: 'bot', at: c1 + s(5) },
      { kind: 'agent', at: c1 + s(10), private: true },
      { kind: 'agent', at: c1 + s(30) },
      { kind: 'visitor', at: c1 + s(60) },
      { kind: 'system', at: c1 + min(10) },
    ],
  });
  // C2 Monday 11:00: a note at +20 s, the reply at +200 s: missed (late), rated bad, resolved in 1 h.
  const c2 = at('2025-10-20T09:00:00Z');
  ids.c2 = await seedConversation(db, {
    ...chat('2025-10-20T09:00:00Z'),
    assigneeId: A,
    departmentId: sales,
    closedAt: c2 + min(60),
    rating: 'bad',
    messages: [
      { kind: 'visitor', at: c2 },
      { kind: 'agent', at: c2 + s(20), private: true },
      { kind: 'agent', at: c2 + s(200) },
      { kind: 'system', at: c2 + min(60) },
    ],
  });
  // C3 Tuesday 23:58 local, answered 00:03 Wednesday: a conversation of Tuesday, answered (closed hours).
  ids.c3 = await seedConversation(db, {
    ...chat('2025-10-21T21:58:00Z'),
    assigneeId: O,
    messages: [
      { kind: 'visitor', at: at('2025-10-21T21:58:00Z') },
      { kind: 'agent', at: at('2025-10-21T22:03:00Z') },
    ],
  });
  // C4 Wednesday 20:00: an offline message, never answered.
  ids.c4 = await seedConversation(db, {
    ...chat('2025-10-22T18:00:00Z'),
    source: 'offline_form',
    messages: [{ kind: 'visitor', at: at('2025-10-22T18:00:00Z') }],
  });
  // C5 Friday 16:59: 60 s of open time left, reply 17:30 → deadline Monday 09:01, answered; closed, then reopened.
  ids.c5 = await seedConversation(db, {
    ...chat('2025-10-24T14:59:00Z'),
    assigneeId: A,
    status: 'open',
    messages: [
      { kind: 'visitor', at: at('2025-10-24T14:59:00Z') },
      { kind: 'agent', at: at('2025-10-24T15:30:00Z') },
      { kind: 'system', at: at('2025-10-24T16:00:00Z') },
      { kind: 'system', at: at('2025-10-24T16:30:00Z') },
    ],
  });
  // C6 Saturday 10:00: nobody online → wall-clock deadline; no reply: missed.
  ids.c6 = await seedConversation(db, {
    ...chat('2025-10-25T08:00:00Z'),
    messages: [{ kind: 'visitor', at: at('2025-10-25T08:00:00Z') }],
  });
  // C7, C8 Sunday 02:30 local, twice: 00:30 UTC (CEST) and 01:30 UTC (CET).
  ids.c7 = await seedConversation(db, {
    ...chat('2025-10-26T00:30:00Z'),
    assigneeId: O,
    rating: 'good',
    messages: [
      { kind: 'visitor', at: at('2025-10-26T00:30:00Z') },
      { kind: 'agent', at: at('2025-10-26T00:31:00Z') },
    ],
  });
  ids.c8 = await seedConversation(db, {
    ...chat('2025-10-26T01:30:00Z'),
    messages: [{ kind: 'visitor', at: at('2025-10-26T01:30:00Z') }],
  });
  // C9 Sunday 23:29 local: Ann invites, the visitor answers at 23:30, Ann replies at 23:31.
  ids.c9 = await seedConversation(db, {
    ...chat('2025-10-26T22:29:00Z'),
    source: 'proactive',
    assigneeId: A,
    messages: [
      { kind: 'agent', at: at('2025-10-26T22:29:00Z') },
      { kind: 'visitor', at: at('2025-10-26T22:30:00Z') },
      { kind: 'agent', at: at('2025-10-26T22:31:00Z') },
    ],
  });
  // C10 Sunday: an invitation never answered — not a conversation started.
  await seedConversation(db, {
    ...chat('2025-10-26T10:00:00Z'),
    source: 'proactive',
    assigneeId: A,
    messages: [{ kind: 'agent', at: at('2025-10-26T10:00:00Z') }],
  });
  // C11 Monday 2025-10-27 00:10 local = Sunday 23:10 UTC: the next week in Budapest.
  ids.c11 = await seedConversation(db, {
    ...chat('2025-10-26T23:10:00Z'),
    messages: [{ kind: 'visitor', at: at('2025-10-26T23:10:00Z') }],
  });
});

async function report(query: string, agent = t.owner) {
  return http<AnalyticsReport>(t.server, 'GET', `/api/v1/analytics/report${query}`, { agent });
}

describe('the report of a week in Europe/Budapest', () => {
  let r: AnalyticsReport;
  beforeAll(async () => {
    const res = await report(WEEK);
    expect(res.status).toBe(200);
    r = res.body;
  });

  it('covers local calendar days, the last one 25 hours long, and the week before', () => {
    expect(r.timeZone).toBe('Europe/Budapest');
    expect(r.period).toEqual({
      from: '2025-10-20',
      to: '2025-10-26',
      start: '2025-10-19T22:00:00.000Z',
      end: '2025-10-26T23:00:00.000Z',
    });
    expect(r.previous).toEqual({
      from: '2025-10-13',
      to: '2025-10-19',
      start: '2025-10-12T22:00:00.000Z',
      end: '2025-10-19T22:00:00.000Z',
    });
    expect(r.scope).toBe('all');
  });

  it('counts started, answered, missed and offline exactly', () => {
    const c = r.overview.current;
    expect(c.started).toBe(10);
    expect(c.answered).toBe(6); // C12, C1, C3, C5, C7, C9
    expect(c.missed).toBe(3); // C2 (late), C6 and C8 (nobody online, no reply)
    expect(c.offline).toBe(1);
    expect(c.waiting).toBe(0);
  });

  it('first response and resolution: nearest-rank median and p90', () => {
    const c = r.overview.current;
    // 30 s, 60 s, 60 s, 200 s, 300 s, 600 s, 1860 s
    expect(c.firstResponseMs).toEqual({ median: 200_000, p90: 1_860_000, count: 7 });
    // C1 10 min, C12 30 min, C2 60 min; C5 was reopened and is unresolved
    expect(c.resolutionMs).toEqual({ median: 1_800_000, p90: 3_600_000, count: 3 });
  });

  it('CSAT and messages per conversation', () => {
    const c = r.overview.current;
    expect(c.csat).toEqual({ share: 2 / 3, good: 2, ratings: 3 });
    // Public visitor, agent and bot messages: notes and system lines left out.
    expect(c.messages).toBe(20);
    expect(c.messagesPerConversation).toBe(2);
  });

  it('compares with the previous period of the same length', () => {
    const p = r.overview.previous;
    expect(p.started).toBe(2);
    expect(p.firstResponseMs).toEqual({ median: 60_000, p90: 100_000, count: 2 });
    expect(r.overview.change.started).toBe(4);
    expect(r.overview.change.firstResponseMedian).toBeCloseTo(140_000 / 60_000, 12);
    expect(r.overview.change.messagesPerConversation).toBe(0);
    expect(r.overview.change.csatShare).toBeCloseTo(2 / 3 - 1, 12);
  });

  it('has one point per local day; a chat crossing midnight stays on its first day', () => {
    expect(r.daily.map((d) => d.date)).toEqual([
      '2025-10-20',
      '2025-10-21',
      '2025-10-22',
      '2025-10-23',
      '2025-10-24',
      '2025-10-25',
      '2025-10-26',
    ]);
    expect(r.daily.map((d) => [d.answered, d.missed, d.offline])).toEqual([
      [2, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [2, 1, 0],
    ]);
    expect(r.daily[1]?.firstResponseMs).toEqual({ median: 300_000, p90: 300_000, count: 1 });
    expect(r.daily[0]?.csat).toEqual({ share: 0.5, good: 1, ratings: 2 });
  });

  it('places conversations on local weekday × hour; both 02:30 of the clock change count in hour 2', () => {
    const cells: string[] = [];
    r.heatmap.forEach((row, day) => {
      row.forEach((n, hour) => {
        if (n > 0) cells.push(`${String(day)}:${String(hour)}=${String(n)}`);
      });
    });
    expect(cells).toEqual([
      '0:0=1',
      '0:10=1',
      '0:11=1',
      '1:23=1',
      '2:20=1',
      '4:16=1',
      '5:10=1',
      '6:2=2',
      '6:23=1',
    ]);
  });

  it('per agent: handled, timings, CSAT, time online and away from the status history', () => {
    const ann = r.agents.find((a) => a.agentId === agentA.agentId);
    expect(ann).toMatchObject({
      name: 'Ann',
      started: 4,
      answered: 3,
      missed: 1,
      firstResponseMs: { median: 60_000, p90: 1_860_000, count: 4 },
      resolutionMs: { median: 600_000, p90: 3_600_000, count: 2 },
      csat: { share: 0.5, good: 1, ratings: 2 },
      // Monday 08–12 and 13:00 to Friday 17:45 online; one hour away.
      onlineMs: 4 * 3_600_000 + (4 * 24 + 4.75) * 3_600_000,
      awayMs: 3_600_000,
      // Not closed now: C5 (reopened), C9, the unanswered invitation C10 and last week's two.
      openNow: 5,
    });
    const owner = r.agents.find((a) => a.agentId === t.owner.agentId);
    expect(owner).toMatchObject({ started: 3, answered: 3, onlineMs: (4 * 24 + 18) * 3_600_000, awayMs: 0 });
  });

  it('per department, with the conversations without one', () => {
    const dept = r.departments.find((d) => d.departmentId === sales);
    expect(dept).toMatchObject({ started: 2, answered: 1, missed: 1, offline: 0 });
    const none = r.departments.find((d) => d.departmentId === null);
    expect(none).toMatchObject({ name: 'No department', started: 8, answered: 5, missed: 2, offline: 1 });
  });
});

describe('filters', () => {
  it('another time zone moves the day boundaries', async () => {
    const res = await report(`${WEEK}&timeZone=UTC`);
    expect(res.status).toBe(200);
    expect(res.body.overview.current.started).toBe(10); // without C12, with C11
    expect(res.body.daily[0]?.started).toBe(2);
    expect(res.body.daily[6]?.started).toBe(4);
  });

  it('by department and by agent', async () => {
    const byDept = await report(`${WEEK}&departmentId=${sales}`);
    expect(byDept.body.overview.current.started).toBe(2);
    expect(byDept.body.departments).toHaveLength(1);
    const byAgent = await report(`${WEEK}&agentId=${t.owner.agentId}`);
    expect(byAgent.body.overview.current.started).toBe(3);
    expect(byAgent.body.agents.map((a) => a.agentId)).toEqual([t.owner.agentId]);
  });

  it('a site without conversations has none, in its own zone', async () => {
    const other = await createSite(t.server, t.owner);
    const res = await report(`${WEEK}&siteId=${other.id}`);
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('UTC');
    expect(res.body.overview.current.started).toBe(0);
    expect(res.body.overview.current.firstResponseMs).toEqual({ median: null, p90: null, count: 0 });
  });
});

describe('who sees what', () => {
  it('an agent gets its own figures only', async () => {
    const res = await report(WEEK, agentA);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('own');
    expect(res.body.overview.current.started).toBe(4);
    expect(res.body.agents.map((a) => a.agentId)).toEqual([agentA.agentId]);
    const mine = await report(`${WEEK}&agentId=${agentA.agentId}`, agentA);
    expect(mine.status).toBe(200);
  });

  it("an agent may not ask for a colleague's figures, nor for a site it does not work on", async () => {
    const other = await report(`${WEEK}&agentId=${t.owner.agentId}`, agentA);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: { code: 'forbidden' } });
    const site = await createSite(t.server, t.owner);
    const res = await report(`${WEEK}&siteId=${site.id}`, agentA);
    expect(res.status).toBe(403);
    const csv = await http(
      t.server,
      'GET',
      `/api/v1/analytics/export/conversations${WEEK}&siteId=${site.id}`,
      {
        agent: agentA,
      },
    );
    expect(csv.status).toBe(403);
  });

  it('needs a signed-in agent', async () => {
    const res = await http(t.server, 'GET', `/api/v1/analytics/report${WEEK}`);
    expect(res.status).toBe(401);
  });
});

describe('bad input', () => {
  it.each([
    ['?from=2025-02-30&to=2025-03-01', 422],
    ['?from=2025-10-20&to=2025-10-19', 422],
    ['?from=2024-01-01&to=2025-10-19', 422],
    ['?from=20251020&to=2025-10-26', 400],
    [`${WEEK}&timeZone=Mars/Olympus_Mons`, 400],
    ['?to=2025-10-26', 400],
    [`${WEEK}&departmentId=nope`, 404],
  ])('%s → %i', async (query, status) => {
    const res = await report(query);
    expect(res.status).toBe(status);
    expect(res.body).toHaveProperty('error.code');
  });

  it('an unknown table is refused', async () => {
    const res = await http(t.server, 'GET', `/api/v1/analytics/export/secrets${WEEK}`, { agent: t.owner });
    expect(res.status).toBe(400);
  });
});

describe('CSV export', () => {
  const csv = async (table: string, agent = t.owner) => {
    // Other tests add sites in other zones: the zone is named.
    const query = `${WEEK}&timeZone=Europe/Budapest`;
    const res = await http<string>(t.server, 'GET', `/api/v1/analytics/export/${table}${query}`, { agent });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="parley-${table}-2025-10-20-to-2025-10-26.csv"`,
    );
    return res.body.split('\r\n');
  };

  it('the raw conversation list, with its timings', async () => {
    const lines = await csv('conversations');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(12); // header, 10 conversations, final CRLF
    const c3 = lines.find((l) => l.startsWith(`${ids.c3 ?? ''},`));
    expect(c3).toBe(
      `${ids.c3 ?? ''},Demo site,,Owner,chat,open,answered,2025-10-21T21:58:00.000Z,2025-10-21 23:58:00,2025-10-21T22:03:00.000Z,2025-10-22 00:03:00,300,,,,,2`,
    );
  });

  it('a department named like a formula is neutralised and quoted', async () => {
    const lines = await csv('departments');
    expect(lines[0]).toMatch(/^department_id,department,started,answered,missed,offline,/);
    const row = lines.find((l) => l.startsWith(`${sales},`));
    expect(row?.startsWith(`${sales},"'=HYPERLINK(""http://evil.example"",""Sales"")",2,1,1,0,0,`)).toBe(
      true,
    );
  });

  it('overview, daily, heat map and agents', async () => {
    const overview = await csv('overview');
    expect(overview[1]).toBe('conversations started,10,2,4');
    expect(overview[6]).toBe('first response median (s),200,60,2.3333333333333335');
    const daily = await csv('daily');
    expect(daily).toHaveLength(9);
    expect(daily[1]).toMatch(/^2025-10-20,3,2,1,0,0,200,600,1800,3600,/);
    const heat = await csv('heatmap');
    expect(heat[7]?.split(',').slice(0, 4)).toEqual(['Sunday', '0', '0', '2']);
    const agents = await csv('agents', agentA);
    expect(agents).toHaveLength(3);
    expect(agents[1]).toContain(',Ann,4,3,1,0,0,60,1860,600,3600,0.5,2,');
  });
});

describe('live now', () => {
  it('visitors on the site, the queue and its longest wait, agents online with their load', async () => {
    const { server, owner } = t;
    const now = clock.now();
    await seedConversation(server.ctx.db, {
      siteId: server.siteId,
      createdAt: now - min(5),
      waitingSince: now - min(5),
      visitorName: 'Vera',
      messages: [{ kind: 'visitor', at: now - min(5) }],
    });
    await seedConversation(server.ctx.db, {
      siteId: server.siteId,
      createdAt: now - min(2),
      waitingSince: now - min(2),
      assigneeId: agentA.agentId,
      messages: [{ kind: 'visitor', at: now - min(2) }],
    });
    const online = await http(server, 'PATCH', '/api/v1/me', { agent: owner, body: { status: 'online' } });
    expect(online.status).toBe(200);
    const agentWs = await agentSocket(server, owner);
    const visitor = await createVisitor(server, server.siteKey);
    const visitorWs = await visitorSocket(server, visitor.token);
    await Promise.all([agentWs.next('welcome'), visitorWs.next('welcome')]);
    try {
      const res = await http<AnalyticsLive>(server, 'GET', `/api/v1/analytics/live?siteId=${server.siteId}`, {
        agent: owner,
      });
      expect(res.status).toBe(200);
      expect(res.body.visitorsOnline).toBe(1);
      expect(res.body.waitingCount).toBe(2);
      expect(res.body.unassigned).toBe(1);
      expect(res.body.longestWaitMs).toBe(min(5));
      expect(res.body.waiting.map((w) => [w.visitorName, w.waitedMs])).toEqual([
        ['Vera', min(5)],
        [null, min(2)],
      ]);
      expect(res.body.agents).toEqual([
        {
          agentId: owner.agentId,
          name: 'Owner',
          openConversations: 2,
          maxChats: expect.any(Number) as number,
        },
      ]);
    } finally {
      agentWs.close();
      visitorWs.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents the report, live now and the CSV export (as text/csv)', async () => {
    const doc = await http<{
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    }>(t.server, 'GET', '/api/openapi.json');
    expect(doc.body.paths['/api/v1/analytics/report']?.get?.responses['200']?.content).toHaveProperty([
      'application/json',
    ]);
    expect(doc.body.paths['/api/v1/analytics/live']?.get).toBeDefined();
    const csv = doc.body.paths['/api/v1/analytics/export/{table}']?.get?.responses['200']?.content;
    expect(Object.keys(csv ?? {})).toEqual(['text/csv']);
  });
});

// Last: the conversations it adds to a second site would change the all-sites figures above.
describe('all sites together', () => {
  it("several sites at once: each conversation by its own site's rules, in both periods", async () => {
    const other = await createSite(t.server, t.owner);
    // No business hours and a 10-minute threshold: a reply after 5 minutes is in time here.
    const patched = await http(t.server, 'PATCH', `/api/v1/sites/${other.id}`, {
      agent: t.owner,
      body: { settings: { missedAfterSeconds: 600, hours: { enabled: false, timeZone: 'Europe/Budapest' } } },
    });
    expect(patched.status).toBe(200);
    const db = t.server.ctx.db;
    for (const when of ['2025-10-15T10:00:00Z', '2025-10-22T10:00:00Z']) {
      const start = at(when);
      await seedConversation(db, {
        siteId: other.id,
        createdAt: start,
        messages: [
          { kind: 'visitor', at: start },
          { kind: 'agent', at: start + min(5) },
        ],
      });
    }
    const one = (await report(`${WEEK}&siteId=${t.server.siteId}`)).body.overview;
    const both = (await report(`${WEEK}&timeZone=Europe/Budapest`)).body.overview;
    expect(both.current.started).toBe(one.current.started + 1);
    expect(both.current.answered).toBe(one.current.answered + 1);
    expect(both.current.missed).toBe(one.current.missed);
    expect(both.previous.started).toBe(one.previous.started + 1);
    expect(both.previous.answered).toBe(one.previous.answered + 1);
    expect(both.previous.firstResponseMs.count).toBe(one.previous.firstResponseMs.count + 1);
  });
});
