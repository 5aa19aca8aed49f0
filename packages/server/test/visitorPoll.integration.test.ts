/**
 * `GET /api/v1/visitor/poll`: what the widget's loader asks while its chat UI (and socket) is not
 * loaded — the open conversation and the team messages the visitor has not read (a proactive
 * message), whether an agent is online (widgetConfig.integration.test.ts follows it) — and a sign of
 * the visitor that keeps it in the live-visitors list.
 */
import { describe, expect, it } from 'vitest';
import type { LiveVisitor, Message } from '@parley/protocol';
import { createAgent, createSite, createVisitor, http, uuid, useTestServer, visitorSocket } from './helpers';
import type { AgentSession } from './helpers';

const t = useTestServer();

interface Poll {
  conversationId: string | null;
  unread: number;
  agentsOnline: boolean;
}

const poll = (token: string, headers: Record<string, string> = {}) =>
  http<Poll>(t.server, 'GET', '/api/v1/visitor/poll', { visitorToken: token, headers });

const proactive = (agent: AgentSession, visitorId: string, body: string) =>
  http<{ conversation: { id: string }; message: Message }>(
    t.server,
    'POST',
    `/api/v1/visitors/${visitorId}/messages`,
    { agent, body: { clientMsgId: uuid(), body } },
  );

async function liveIds(agent: AgentSession, siteId: string): Promise<string[]> {
  const r = await http<{ visitors: LiveVisitor[] }>(
    t.server,
    'GET',
    `/api/v1/live-visitors?siteId=${siteId}`,
    { agent },
  );
  expect(r.status).toBe(200);
  return r.body.visitors.map((v) => v.visitor.id);
}

const lastSeen = async (visitorId: string): Promise<number> =>
  (
    await t.server.ctx.db
      .selectFrom('visitors')
      .select('last_seen_at')
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow()
  ).last_seen_at;

const setLastSeen = (visitorId: string, at: number) =>
  t.server.ctx.db.updateTable('visitors').set({ last_seen_at: at }).where('id', '=', visitorId).execute();

describe('visitor poll', () => {
  it('answers nothing waiting, then the agent’s unread proactive messages, until the visitor reads them', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const v = await createVisitor(t.server, site.key);
    const other = await createVisitor(t.server, site.key);

    const empty = await poll(v.token);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ conversationId: null, unread: 0, agentsOnline: false });

    const first = await proactive(agent, v.visitorId, 'Hi! Can I help?');
    expect(first.status).toBe(201);
    const conversationId = first.body.conversation.id;
    expect((await poll(v.token)).body).toEqual({ conversationId, unread: 1, agentsOnline: false });
    const second = await proactive(agent, v.visitorId, 'We have a discount today.');
    expect((await poll(v.token)).body).toEqual({ conversationId, unread: 2, agentsOnline: false });
    // Another visitor of the same site sees nothing of it.
    expect((await poll(other.token)).body).toEqual({ conversationId: null, unread: 0, agentsOnline: false });

    // The visitor's own message does not count; its read mark clears what it covers.
    const ws = await visitorSocket(t.server, v.token, { siteKey: site.key });
    await ws.next('welcome');
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'Yes please' });
    await ws.next('ack');
    expect((await poll(v.token)).body).toEqual({ conversationId, unread: 2, agentsOnline: false });
    ws.send({ t: 'read', conversationId, seq: first.body.message.seq });
    await expect.poll(async () => (await poll(v.token)).body.unread).toBe(1);
    ws.send({ t: 'read', conversationId, seq: second.body.message.seq + 1 });
    await expect.poll(async () => (await poll(v.token)).body.unread).toBe(0);
    ws.close();

    // A closed conversation is not waiting any more.
    const closed = await http(t.server, 'POST', `/api/v1/conversations/${conversationId}/close`, { agent });
    expect(closed.status).toBe(200);
    expect((await poll(v.token)).body).toEqual({ conversationId: null, unread: 0, agentsOnline: false });
  });

  it('keeps a visitor whose chat is closed in the live-visitors list, writing at most once a minute', async () => {
    const site = await createSite(t.server, t.owner);
    const v = await createVisitor(t.server, site.key);
    await setLastSeen(v.visitorId, Date.now() - 10 * 60_000);
    expect(await liveIds(t.owner, site.id)).not.toContain(v.visitorId);

    const before = Date.now();
    expect((await poll(v.token)).status).toBe(200);
    expect(await lastSeen(v.visitorId)).toBeGreaterThanOrEqual(before);
    expect(await liveIds(t.owner, site.id)).toContain(v.visitorId);

    // Seen 30 s ago: still live, and a poll does not write again.
    const recent = Date.now() - 30_000;
    await setLastSeen(v.visitorId, recent);
    expect((await poll(v.token)).status).toBe(200);
    expect(await lastSeen(v.visitorId)).toBe(recent);
  });

  it('needs a known visitor token, from an allowed origin', async () => {
    const site = await createSite(t.server, t.owner, ['https://shop.example']);
    const v = await createVisitor(t.server, site.key);

    const none = await http(t.server, 'GET', '/api/v1/visitor/poll');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await poll('not-a-token')).status).toBe(401);

    const bad = await poll(v.token, { origin: 'https://evil.example' });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const good = await poll(v.token, { origin: 'https://shop.example' });
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://shop.example');

    const preflight = await http(t.server, 'OPTIONS', '/api/v1/visitor/poll', {
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('is limited per visitor token', async () => {
    const site = await createSite(t.server, t.owner);
    const v = await createVisitor(t.server, site.key);
    const other = await createVisitor(t.server, site.key);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await poll(v.token)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another visitor's budget is its own.
    expect((await poll(other.token)).status).toBe(200);
  });
});
