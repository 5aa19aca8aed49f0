/**
 * The console's cluster-wide parts on real nodes (PostgreSQL + Redis): a widget connected to one
 * node is a live, connected visitor on the other; a proactive message written on one node reaches
 * the visitor's widget on the other; a snooze wakes once for the whole cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationForAgent, LiveVisitor } from '@parley/protocol';
import { createTestDatabase, TEST_DB, type TestDatabase } from './testDb';
import { createVisitor, http, RawSocket, uuid } from './helpers';
import { REDIS_URL, redisAvailable, sleep, TestCluster, until } from './cluster';

const enabled = TEST_DB === 'postgres' && (await redisAvailable());

let db: TestDatabase;
let cluster: TestCluster;

beforeAll(async () => {
  if (!enabled) return;
  db = await createTestDatabase();
  cluster = new TestCluster(db, REDIS_URL, {
    PARLEY_HEARTBEAT_MS: '1000',
    PARLEY_JOBS_TICK_MS: '100',
    PARLEY_JOBS_EVERY_MS: '500',
  });
  await cluster.start(['node-a', 'node-b']);
}, 120_000);

afterAll(async () => {
  if (!enabled) return;
  await cluster.stop();
  await db.drop();
});

const a = () => cluster.node(0);
const b = () => cluster.node(1);

async function agentSocketOn(node: { wsUrl: string }): Promise<RawSocket> {
  const s = await RawSocket.open(node.wsUrl, { cookie: cluster.owner.cookie });
  s.send({ t: 'hello', v: 1, role: 'agent' });
  await s.next('welcome');
  return s;
}

describe.runIf(enabled)('the console across nodes', () => {
  it('a widget connected to node A is a connected live visitor on node B, until it closes', async () => {
    const visitor = await createVisitor(a(), cluster.siteKey);
    const ws = await RawSocket.open(a().wsUrl);
    ws.send({ t: 'hello', v: 1, role: 'visitor', siteKey: cluster.siteKey, token: visitor.token });
    await ws.next('welcome');
    const liveOnB = async () => {
      const r = await http<{ visitors: LiveVisitor[] }>(b(), 'GET', '/api/v1/live-visitors', {
        agent: cluster.owner,
      });
      return r.body.visitors.find((v) => v.visitor.id === visitor.visitorId);
    };
    await until(
      'node B sees the visitor connected',
      async () => (await liveOnB())?.connected === true,
      10_000,
    );

    // Written on node B, delivered by node A to the widget.
    const r = await http<{ conversation: ConversationForAgent; created: boolean }>(
      b(),
      'POST',
      `/api/v1/visitors/${visitor.visitorId}/messages`,
      { agent: cluster.owner, body: { clientMsgId: uuid(), body: 'Hello from node B' } },
    );
    expect(r.body.created).toBe(true);
    expect((await ws.next('conversation', (f) => f.reason === 'created')).conversation.id).toBe(
      r.body.conversation.id,
    );
    expect(await ws.next('msg')).toMatchObject({ body: 'Hello from node B', author: { kind: 'agent' } });

    ws.close();
    await until('node B sees it gone', async () => (await liveOnB())?.connected === false, 10_000);
  });

  it('a snooze wakes once for the whole cluster, and every node’s agents hear it', async () => {
    const visitor = await createVisitor(a(), cluster.siteKey);
    const started = await http<{ conversation: { id: string } }>(
      a(),
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: visitor.token,
      },
    );
    const id = started.body.conversation.id;
    const onA = await agentSocketOn(a());
    const onB = await agentSocketOn(b());
    await http(a(), 'POST', `/api/v1/conversations/${id}/snooze`, {
      agent: cluster.owner,
      body: { until: new Date(Date.now() + 1000).toISOString() },
    });
    for (const s of [onA, onB])
      await s.next('conversation', (f) => f.reason === 'unsnoozed' && f.conversation.id === id, 10_000);
    // Both nodes run the job; only one woke the conversation.
    await sleep(1500);
    const woken = (s: RawSocket) =>
      s.all('conversation').filter((f) => f.reason === 'unsnoozed' && f.conversation.id === id);
    expect(woken(onA)).toHaveLength(1);
    expect(woken(onB)).toHaveLength(1);
    onA.close();
    onB.close();
  });
});
