import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pg from 'pg';
import { MemoryStorage, ParleyClient } from '@parley/client';
import type { Message } from '@parley/protocol';
import { createTestDatabase, TEST_DB, type TestDatabase } from './testDb';
import { createVisitor, http, RawSocket } from './helpers';
import { freePort, kill, startServerProcess } from './processes';
import { metric, REDIS_URL, redisAvailable, sleep, TcpProxy, TestCluster, until } from './cluster';

/*
 * Several real `parley start` processes on the machine's PostgreSQL and Redis. Nodes share
 * PostgreSQL (SQLite is one node's database), so this file runs in the PostgreSQL pass of the
 * suite; Redis reaches them through a TCP proxy the test can cut.
 */
const enabled = TEST_DB === 'postgres' && (await redisAvailable());

const PRESENCE_TTL_MS = 2000;
const HEARTBEAT_MS = 1000;

let db: TestDatabase;
let proxy: TcpProxy;
let cluster: TestCluster;

beforeAll(async () => {
  if (!enabled) return;
  db = await createTestDatabase();
  proxy = await TcpProxy.start(REDIS_URL);
  cluster = new TestCluster(db, proxy.url, {
    PARLEY_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
    PARLEY_HEARTBEAT_MS: String(HEARTBEAT_MS),
    PARLEY_JOBS_TICK_MS: '100',
    PARLEY_JOBS_EVERY_MS: '1000',
  });
  await cluster.start(['node-a', 'node-b', 'node-c']);
}, 120_000);

afterAll(async () => {
  if (!enabled) return;
  await cluster.stop();
  await proxy.cut();
  await db.drop();
});

const a = () => cluster.node(0);
const b = () => cluster.node(1);
const c = () => cluster.node(2);

function client(
  urls: string[],
  auth: { role: 'visitor'; siteKey: string; token: string } | { role: 'agent'; cookie: string },
): ParleyClient {
  return new ParleyClient({
    url: urls,
    WebSocketImpl: WebSocket,
    backoff: { baseMs: 50, capMs: 400 },
    reconnectSoonMs: 300,
    // The first attempt goes to the first url (the list is otherwise entered at a random node).
    random: () => 0,
    ...(auth.role === 'visitor'
      ? {
          auth: { role: 'visitor', siteKey: auth.siteKey, token: auth.token },
          persist: { storage: new MemoryStorage(), key: 'outbox' },
        }
      : { auth: { role: 'agent' }, headers: { cookie: auth.cookie }, followAll: true }),
  });
}

async function storedLog(conversationId: string): Promise<Message[]> {
  const res = await http<{ messages: Message[] }>(
    a(),
    'GET',
    `/api/v1/conversations/${conversationId}/messages?after=0&limit=500`,
    { agent: cluster.owner },
  );
  return res.body.messages;
}

/** The client holds exactly the stored log: same ids in seq order, no duplicates, no gaps. */
async function expectConverged(who: ParleyClient, conversationId: string): Promise<void> {
  let stored: Message[] = [];
  await until('the client holds the whole log', async () => {
    stored = await storedLog(conversationId);
    return who.messages(conversationId).length === stored.length;
  });
  expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  expect(who.messages(conversationId).map((m) => m.id)).toEqual(stored.map((m) => m.id));
}

describe.runIf(enabled)('several nodes on PostgreSQL + Redis', () => {
  it('a visitor on node A and an agent on node B talk; typing and presence cross nodes', async () => {
    const visitor = await createVisitor(a(), cluster.siteKey);
    const v = client([a().wsUrl], { role: 'visitor', siteKey: cluster.siteKey, ...visitor });
    const agent = client([b().wsUrl], { role: 'agent', cookie: cluster.owner.cookie });
    v.connect();
    agent.connect();
    await until('both welcomed', () => v.state === 'open' && agent.state === 'open');

    const { conversationId } = await v.send('hello from node A').acked;
    await until('the agent on B sees it', () => agent.messages(conversationId).length === 1);
    await agent.send('answer from node B', { conversationId }).acked;
    await until('the visitor on A sees the answer', () => v.messages(conversationId).length === 2);

    // Typing with sneak peek (the demo site has it on): visitor on A → agent socket on B.
    const agentRaw = await RawSocket.open(b().wsUrl, { cookie: cluster.owner.cookie });
    agentRaw.send({ t: 'hello', v: 1, role: 'agent' });
    await agentRaw.next('welcome');
    v.typing(conversationId, 'I am typ');
    const typing = await agentRaw.next('typing', (f) => f.conversationId === conversationId);
    expect(typing.author.kind).toBe('visitor');
    expect(typing.preview).toBe('I am typ');
    agentRaw.close();

    // Presence: node A, where no agent is connected, counts the agent connected to node B.
    await until(
      'node A sees the agent of node B',
      async () => (await metric(a(), 'parley_agents_connected')) === 1,
    );
    expect(await metric(c(), 'parley_agents_connected')).toBe(1);
    // Each message crossed the bus once, and no node delivered its own event a second time.
    await expectConverged(v, conversationId);
    await expectConverged(agent, conversationId);
    v.close();
    agent.close();
    await until('the agent has left', async () => (await metric(a(), 'parley_agents_connected')) === 0);
  });

  it('node B is killed mid-exchange: its agent resumes on node C, nothing lost or doubled', async () => {
    const visitor = await createVisitor(a(), cluster.siteKey);
    const v = client([a().wsUrl], { role: 'visitor', siteKey: cluster.siteKey, ...visitor });
    // No load balancer: the agent's client knows two nodes and starts on B.
    const agent = client([b().wsUrl, c().wsUrl], { role: 'agent', cookie: cluster.owner.cookie });
    v.connect();
    const { conversationId } = await v.send('opening').acked;
    agent.connect();
    await until('the agent sees the conversation', () => agent.messages(conversationId).length === 1);
    const firstConnection = agent.session?.connectionId;
    const states: string[] = [];
    agent.on('state', (st) => states.push(st));

    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(v.send(`visitor ${i}`, { conversationId }).clientMsgId);
      sent.push(agent.send(`agent ${i}`, { conversationId }).clientMsgId);
      if (i === 15) void cluster.down(b(), 'SIGKILL');
      await sleep(5);
    }
    await until('every send acknowledged', () => v.pending().length === 0 && agent.pending().length === 0);
    // It did lose node B and came back (on C, the only other node it knows).
    expect(states).toContain('reconnecting');
    expect(agent.session?.connectionId).not.toBe(firstConnection);
    const stored = await storedLog(conversationId);
    const ids = stored.map((m) => m.clientMsgId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of sent) expect(ids).toContain(id);
    expect(stored).toHaveLength(sent.length + 1);
    await expectConverged(agent, conversationId);
    await expectConverged(v, conversationId);
    v.close();
    agent.close();
    await cluster.up(b());
  });

  it('presence: an agent stops counting within a bounded time when its node dies or its browser vanishes', async () => {
    const agentRaw = await RawSocket.open(b().wsUrl, { cookie: cluster.owner.cookie });
    agentRaw.send({ t: 'hello', v: 1, role: 'agent' });
    await agentRaw.next('welcome');
    await until('node A counts the agent', async () => (await metric(a(), 'parley_agents_connected')) === 1);
    // The node dies without a word: its entries lapse after the presence ttl.
    await cluster.down(b(), 'SIGKILL');
    const gone = await until(
      'the agent of the dead node is gone',
      async () => (await metric(a(), 'parley_agents_connected')) === 0,
    );
    // Bounded by the ttl (plus the polling and a loaded machine's slack), not by a heartbeat or a restart.
    expect(gone).toBeLessThan(PRESENCE_TTL_MS + 3000);
    await cluster.up(b());

    // A browser that vanished without closing (answers no pings): the node notices within two
    // heartbeats and the agent stops counting.
    const silent = await RawSocket.open(c().wsUrl, { cookie: cluster.owner.cookie }, { autoPong: false });
    silent.send({ t: 'hello', v: 1, role: 'agent' });
    await silent.next('welcome');
    await until('node A counts the agent', async () => (await metric(a(), 'parley_agents_connected')) === 1);
    const vanished = await until(
      'the silent agent is gone',
      async () => (await metric(a(), 'parley_agents_connected')) === 0,
    );
    expect(vanished).toBeLessThan(2 * HEARTBEAT_MS + 3000);
  });

  it('presence survives a graceful restart of the agent’s node: it reconnects elsewhere and never drops out', async () => {
    const agent = client([c().wsUrl, b().wsUrl], { role: 'agent', cookie: cluster.owner.cookie });
    const states: string[] = [];
    agent.on('state', (st) => states.push(st));
    agent.connect();
    await until('welcomed', () => agent.state === 'open');
    await until('node A counts the agent', async () => (await metric(a(), 'parley_agents_connected')) === 1);
    const seen: number[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.push(await metric(a(), 'parley_agents_connected'));
        await sleep(100);
      }
    })();
    try {
      await cluster.down(c(), 'SIGTERM');
      await until('the agent moved to B', () => states.includes('reconnecting') && agent.state === 'open');
      await sleep(PRESENCE_TTL_MS + 500);
    } finally {
      watching = false;
      await watch;
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(Math.min(...seen)).toBe(1);
    agent.close();
    await cluster.up(c());
  });

  it('a periodic job runs once per period across the cluster, not once per node, and does its work', async () => {
    const pool = new pg.Client({ connectionString: db.url });
    await pool.connect();
    try {
      // An upload nobody attached, two days old: files.cleanup must remove it.
      const visitor = await createVisitor(a(), cluster.siteKey);
      const up = await http<{ file: { id: string } }>(a(), 'POST', '/api/v1/visitor/files?name=note.txt', {
        visitorToken: visitor.token,
        rawBody: new Uint8Array(Buffer.from('left behind')),
        headers: { 'content-type': 'text/plain' },
      });
      expect(up.status).toBe(201);
      await pool.query('UPDATE files SET created_at = $1 WHERE id = $2', [
        Date.now() - 2 * 86_400_000,
        up.body.file.id,
      ]);

      const runs = async () =>
        (await pool.query<{ runs: number }>("SELECT runs FROM job_leases WHERE name = 'files.cleanup'"))
          .rows[0]?.runs ?? 0;
      const perNode = async () => {
        let n = 0;
        for (const node of cluster.nodes)
          n += await metric(node, 'parley_job_runs_total', { job: 'files.cleanup' });
        return n;
      };
      // The database counts a run when it ends, a node a moment later: each snapshot reads the
      // database before and after the nodes, so the nodes' count lies between the two.
      const snapshot = async () => {
        const before = await runs();
        const nodes = await perNode();
        return { before, nodes, after: await runs() };
      };
      const s0 = await snapshot();
      await sleep(4000);
      const s1 = await snapshot();
      // Every 1 s across three nodes that each look every 100 ms: about four runs, not twelve.
      expect(s1.before - s0.before).toBeGreaterThanOrEqual(2);
      expect(s1.before - s0.before).toBeLessThanOrEqual(5);
      // What the nodes say they ran adds up to what the database recorded.
      expect(s1.nodes - s0.nodes).toBeGreaterThanOrEqual(s1.before - s0.after - 1);
      expect(s1.nodes - s0.nodes).toBeLessThanOrEqual(s1.after - s0.before + 1);
      const left = await pool.query('SELECT id FROM files WHERE id = $1', [up.body.file.id]);
      expect(left.rowCount).toBe(0);
      const download = await fetch(`${a().url}/files/${up.body.file.id}/x/note.txt`);
      expect(download.status).toBe(404);
    } finally {
      await pool.end();
    }
  });

  it('Redis drops: nodes serve their own clients and report degraded; when it returns, clients of other nodes catch up', async () => {
    const visitor = await createVisitor(a(), cluster.siteKey);
    const v = client([a().wsUrl], { role: 'visitor', siteKey: cluster.siteKey, ...visitor });
    const agent = client([b().wsUrl], { role: 'agent', cookie: cluster.owner.cookie });
    const byes: string[] = [];
    agent.on('bye', (f) => byes.push(f.reason));
    v.connect();
    agent.connect();
    const { conversationId } = await v.send('before the outage').acked;
    await until('the agent sees it', () => agent.messages(conversationId).length === 1);

    await proxy.cut();
    for (const node of [a(), b()]) {
      await until('degraded', async () => {
        const h = await http<{ status: string; checks: Record<string, { ok: boolean }> }>(
          node,
          'GET',
          '/healthz',
        );
        return h.status === 200 && h.body.status === 'degraded' && h.body.checks.redis?.ok === false;
      });
    }
    // Node A still serves its visitor: sends are committed and acknowledged.
    const during = ['during 1', 'during 2', 'during 3'].map((t) => v.send(t, { conversationId }));
    await Promise.all(during.map((d) => d.acked));
    await sleep(300);
    // Nothing crossed to node B meanwhile.
    expect(agent.messages(conversationId)).toHaveLength(1);

    await proxy.restore();
    for (const node of [a(), b()]) {
      await until(
        'healthy again',
        async () => (await http<{ status: string }>(node, 'GET', '/healthz')).body.status === 'ok',
      );
    }
    // Node B asked its sockets to resync; the agent's client resumed and fetched what it missed.
    await until('the agent caught up', () => agent.messages(conversationId).length === 4, 15_000);
    expect(byes).toContain('resync');
    await expectConverged(agent, conversationId);
    // And the bus carries live events again.
    await v.send('after the outage', { conversationId }).acked;
    await until('live again', () => agent.messages(conversationId).length === 5);
    v.close();
    agent.close();
  });

  it('two nodes starting at once on an empty database create one owner and one demo site', async () => {
    const fresh = await createTestDatabase();
    const pair = new TestCluster(fresh, REDIS_URL);
    try {
      const envs = await Promise.all(
        ['fresh-0', 'fresh-1'].map(async (name) => {
          const port = await freePort();
          return pair.envFor({ name, port, proc: null, url: '', wsUrl: '' });
        }),
      );
      const procs = await Promise.all(envs.map((env) => startServerProcess(env)));
      const owners = procs.filter((p) => /Password: +\S+/.test(p.banner));
      expect(owners).toHaveLength(1);
      const q = new pg.Client({ connectionString: fresh.url });
      await q.connect();
      const agents = await q.query('SELECT id FROM agents');
      const sites = await q.query('SELECT id FROM sites');
      await q.end();
      expect(agents.rowCount).toBe(1);
      expect(sites.rowCount).toBe(1);
      await Promise.all(procs.map((p) => kill(p, 'SIGKILL')));
    } finally {
      await fresh.drop();
    }
  });
});
