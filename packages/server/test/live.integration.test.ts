/**
 * Live visitors (widget connections anywhere in the cluster, or seen in the last minutes; page,
 * since when, visits) and proactive messages that start or continue a visitor's conversation.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationForAgent, ConversationForVisitor, LiveVisitor, Message } from '@parley/protocol';
import {
  createAgent,
  createSite,
  dbMessages,
  http,
  uuid,
  visitorSocket,
  useTestServer,
  type AgentSession,
} from './helpers';
import { startChat } from './consoleHelpers';

// Heartbeats every 400 ms: connections are refreshed in the database that often.
const t = useTestServer({ heartbeatMs: 400 });

async function visitorOn(siteKey: string, pageUrl: string): Promise<{ token: string; visitorId: string }> {
  const r = await http<{ token: string; visitor: { id: string } }>(
    t.server,
    'POST',
    '/api/v1/visitor/session',
    {
      body: { siteKey, pageUrl, pageTitle: 'Landing' },
    },
  );
  return { token: r.body.token, visitorId: r.body.visitor.id };
}

async function live(agent: AgentSession, query = ''): Promise<LiveVisitor[]> {
  await t.server.gateway.visitorPresence.flush();
  const r = await http<{ visitors: LiveVisitor[]; windowSeconds: number }>(
    t.server,
    'GET',
    `/api/v1/live-visitors${query}`,
    { agent },
  );
  if (r.status !== 200) throw new Error(`live failed: ${r.status}`);
  expect(r.body.windowSeconds).toBe(300);
  return r.body.visitors;
}

const proactive = (agent: AgentSession, visitorId: string, body: string, clientMsgId = uuid()) =>
  http<{ conversation: ConversationForAgent; message: Message; created: boolean; duplicate: boolean }>(
    t.server,
    'POST',
    `/api/v1/visitors/${visitorId}/messages`,
    { agent, body: { clientMsgId, body } },
  );

describe('live visitors', () => {
  it('lists connected and recently seen visitors of the agent’s sites with their page and visit', async () => {
    const site = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const browsing = await visitorOn(site.key, 'https://shop.example/');
    const ws = await visitorSocket(t.server, browsing.token, { siteKey: site.key });
    await ws.next('welcome');
    await http(t.server, 'POST', '/api/v1/visitor/pageviews', {
      visitorToken: browsing.token,
      body: { url: 'https://shop.example/pricing', title: 'Pricing' },
    });
    const idle = await visitorOn(site.key, 'https://shop.example/blog');
    const gone = await visitorOn(site.key, 'https://shop.example/old');
    await t.server.ctx.db
      .updateTable('visitors')
      .set({ last_seen_at: Date.now() - 10 * 60_000 })
      .where('id', '=', gone.visitorId)
      .execute();
    const elsewhere = await visitorOn(other.key, 'https://other.example/');

    const list = await live(agent);
    const byId = new Map(list.map((v) => [v.visitor.id, v]));
    expect([...byId.keys()].sort()).toEqual([browsing.visitorId, idle.visitorId].sort());
    expect(byId.get(browsing.visitorId)).toMatchObject({
      connected: true,
      page: { url: 'https://shop.example/pricing', title: 'Pricing' },
      visits: 1,
      pagesThisVisit: 2,
      conversationId: null,
    });
    expect(byId.get(idle.visitorId)).toMatchObject({ connected: false, pagesThisVisit: 1 });
    const b = byId.get(browsing.visitorId);
    expect(Date.parse(b?.page?.since ?? '')).toBeGreaterThanOrEqual(Date.parse(b?.visitStartedAt ?? ''));
    expect((await live(t.owner)).map((v) => v.visitor.id)).toContain(elsewhere.visitorId);
    expect((await live(t.owner, `?siteId=${site.id}`)).map((v) => v.visitor.id)).not.toContain(
      elsewhere.visitorId,
    );
    expect((await http(t.server, 'GET', `/api/v1/live-visitors?siteId=${other.id}`, { agent })).status).toBe(
      403,
    );

    // The widget closes: still seen lately, no longer connected.
    ws.close();
    await ws.closed();
    await new Promise((r) => setTimeout(r, 50));
    expect((await live(agent)).find((v) => v.visitor.id === browsing.visitorId)).toMatchObject({
      connected: false,
    });
  });

  it('keeps a connection fresh every heartbeat, and counts a new visit after 30 minutes away', async () => {
    const site = await createSite(t.server, t.owner);
    const v = await visitorOn(site.key, 'https://shop.example/');
    const ws = await visitorSocket(t.server, v.token, { siteKey: site.key });
    await ws.next('welcome');
    await t.server.gateway.visitorPresence.flush();
    const stale = Date.now() - 5 * 60_000;
    await t.server.ctx.db
      .updateTable('visitors')
      .set({ socket_seen_at: stale })
      .where('id', '=', v.visitorId)
      .execute();
    await new Promise((r) => setTimeout(r, 1200));
    await t.server.gateway.visitorPresence.flush();
    const row = await t.server.ctx.db
      .selectFrom('visitors')
      .select(['socket_seen_at', 'visits'])
      .where('id', '=', v.visitorId)
      .executeTakeFirstOrThrow();
    expect(row.socket_seen_at).toBeGreaterThan(stale);
    ws.close();
    await ws.closed();

    await t.server.gateway.visitorPresence.flush();
    await t.server.ctx.db
      .updateTable('visitors')
      .set({ last_seen_at: Date.now() - 31 * 60_000 })
      .where('id', '=', v.visitorId)
      .execute();
    const back = await http(t.server, 'POST', '/api/v1/visitor/session', {
      body: { siteKey: site.key, token: v.token, pageUrl: 'https://shop.example/again' },
    });
    expect(back.status).toBe(200);
    const again = (await live(t.owner, `?siteId=${site.id}`)).find((x) => x.visitor.id === v.visitorId);
    expect(again).toMatchObject({
      visits: 2,
      pagesThisVisit: 1,
      page: { url: 'https://shop.example/again' },
    });
  });
});

describe('proactive messages', () => {
  it('start a conversation the visitor’s widget receives at once; retries change nothing', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Paula' });
    const v = await visitorOn(site.key, 'https://shop.example/pricing');
    const ws = await visitorSocket(t.server, v.token, { siteKey: site.key });
    await ws.next('welcome');

    const clientMsgId = uuid();
    const r = await proactive(agent, v.visitorId, 'Hi! Questions about our plans?', clientMsgId);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created: true, duplicate: false });
    expect(r.body.conversation).toMatchObject({
      source: 'proactive',
      assigneeId: agent.agentId,
      visitorId: v.visitorId,
      status: 'open',
      waitingSince: null,
      lastSeq: 1,
    });
    const frame = await ws.next('conversation', (f) => f.reason === 'created');
    expect(frame.conversation as ConversationForVisitor).toMatchObject({
      id: r.body.conversation.id,
      status: 'open',
      assignee: { name: 'Paula' },
    });
    const msg = await ws.next('msg');
    expect(msg).toMatchObject({
      body: 'Hi! Questions about our plans?',
      author: { kind: 'agent', name: 'Paula' },
      clientMsgId: null,
    });

    const retry = await proactive(agent, v.visitorId, 'Hi! Questions about our plans?', clientMsgId);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ duplicate: true, created: false, message: { id: r.body.message.id } });
    const second = await proactive(agent, v.visitorId, 'We have a discount today.');
    expect(second.body).toMatchObject({ created: false, conversation: { id: r.body.conversation.id } });
    expect((await dbMessages(t.server, r.body.conversation.id)).map((m) => m.body)).toEqual([
      'Hi! Questions about our plans?',
      'We have a discount today.',
    ]);
    // The visitor answers in that conversation; now it waits for the team.
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'Yes, which plan has SSO?' });
    const ack = await ws.next('ack');
    expect(ack.conversationId).toBe(r.body.conversation.id);
    const after = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'GET',
      `/api/v1/conversations/${r.body.conversation.id}`,
      { agent },
    );
    expect(after.body.conversation.waitingSince).not.toBeNull();
    ws.close();
  });

  it('go into the visitor’s open conversation, or a new one after it closed', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const chat = await startChat(t.server, { siteKey: site.key });
    const into = await proactive(agent, chat.visitorId, 'Still there?');
    expect(into.body).toMatchObject({
      created: false,
      conversation: { id: chat.conversationId, source: 'chat' },
    });
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, { agent });
    const fresh = await proactive(agent, chat.visitorId, 'One more thing');
    expect(fresh.body.created).toBe(true);
    expect(fresh.body.conversation.id).not.toBe(chat.conversationId);
  });

  it('refuses visitors of other sites, unknown visitors and empty messages', async () => {
    const site = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const foreign = await visitorOn(other.key, 'https://other.example/');
    expect(await proactive(agent, foreign.visitorId, 'hello')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect((await proactive(agent, 'nobody', 'hello')).status).toBe(404);
    const own = await visitorOn(site.key, 'https://shop.example/');
    expect((await proactive(agent, own.visitorId, '   ')).status).toBe(400);
    const noCsrf = await http(t.server, 'POST', `/api/v1/visitors/${own.visitorId}/messages`, {
      headers: { cookie: agent.cookie },
      body: { clientMsgId: uuid(), body: 'x' },
    });
    expect(noCsrf.status).toBe(403);
    const conversations = await t.server.ctx.db
      .selectFrom('conversations')
      .select('id')
      .where('visitor_id', 'in', [foreign.visitorId, own.visitorId])
      .execute();
    expect(conversations).toEqual([]);
    // The owner reaches every site.
    expect((await proactive(t.owner, foreign.visitorId, 'hello')).status).toBe(201);
  });
});
