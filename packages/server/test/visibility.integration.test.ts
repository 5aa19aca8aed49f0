/**
 * Who sees what: visitors, sites and agents reach only their own data; private notes and the
 * sneak-peek switch decide what a visitor's side is shown or sends.
 */
import { describe, expect, it } from 'vitest';

import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  http,
  uuid,
  visitorSocket,
  useTestServer,
  dbMessages,
} from './helpers';

const t = useTestServer();

describe('isolation between visitors, sites and agents', () => {
  it('a visitor cannot read, write or resume another visitor’s conversation', async () => {
    const alice = await createVisitor(t.server, t.server.siteKey);
    const mallory = await createVisitor(t.server, t.server.siteKey);
    const a = await visitorSocket(t.server, alice.token);
    await a.next('welcome');
    a.send({ t: 'send', clientMsgId: uuid(), body: 'private to alice' });
    const { conversationId } = await a.next('ack');

    const m = await visitorSocket(t.server, mallory.token, { resume: { [conversationId]: 0 } });
    await m.next('welcome');
    expect(await m.next('error')).toMatchObject({ code: 'not_found', ref: conversationId });
    m.send({ t: 'fetch', ref: 'x', conversationId, afterSeq: 0 });
    expect(await m.next('error', (e) => e.ref === 'x')).toMatchObject({ code: 'not_found' });
    const sendId = uuid();
    m.send({ t: 'send', clientMsgId: sendId, conversationId, body: 'hijack' });
    expect(await m.next('error', (e) => e.ref === sendId)).toMatchObject({ code: 'not_found' });
    m.send({ t: 'typing', conversationId });
    m.send({ t: 'read', conversationId, seq: 1 });
    await m.next('error', (e) => e.code === 'not_found' && e.ref === undefined);
    expect(m.all('msg')).toEqual([]);
    const rest = await http(t.server, 'GET', `/api/v1/visitor/conversations/${conversationId}/messages`, {
      visitorToken: mallory.token,
    });
    expect(rest.status).toBe(404);
    expect((await dbMessages(t.server, conversationId)).map((r) => r.body)).toEqual(['private to alice']);
    a.close();
    m.close();
  });

  it('an agent sees only the sites it belongs to', async () => {
    const other = await createSite(t.server, t.owner);
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const r = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: visitor.token,
      },
    );
    const id = r.body.conversation.id;

    expect((await http(t.server, 'GET', `/api/v1/conversations/${id}`, { agent: outsider })).status).toBe(
      404,
    );
    expect(
      (await http(t.server, 'GET', `/api/v1/conversations/${id}/messages`, { agent: outsider })).status,
    ).toBe(404);
    expect(
      (await http(t.server, 'POST', `/api/v1/conversations/${id}/close`, { agent: outsider })).status,
    ).toBe(404);
    expect(
      (await http(t.server, 'GET', `/api/v1/sites/${t.server.siteId}`, { agent: outsider })).status,
    ).toBe(403);
    const list = await http<{ conversations: { id: string }[] }>(
      t.server,
      'GET',
      '/api/v1/conversations?status=all',
      { agent: outsider },
    );
    expect(list.body.conversations.map((c) => c.id)).not.toContain(id);
    const inbox = await http<{ conversations: unknown[] }>(
      t.server,
      'GET',
      `/api/v1/conversations?siteId=${t.server.siteId}`,
      { agent: outsider },
    );
    expect(inbox.body.conversations).toEqual([]);

    const ws = await agentSocket(t.server, outsider);
    const welcome = await ws.next('welcome');
    expect(welcome.conversations.map((c) => c.id)).not.toContain(id);
    const vws = await visitorSocket(t.server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'only for site 1 agents' });
    await vws.next('ack');
    const sendId = uuid();
    ws.send({ t: 'send', clientMsgId: sendId, conversationId: id, body: 'intrude' });
    expect(await ws.next('error', (e) => e.ref === sendId)).toMatchObject({ code: 'not_found' });
    expect(ws.all('msg')).toEqual([]);
    ws.close();
    vws.close();
  });

  it('a visitor token is bound to its site', async () => {
    const other = await createSite(t.server, t.owner);
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const ws = await visitorSocket(t.server, visitor.token, { siteKey: other.key });
    expect(await ws.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await ws.closed()).code).toBe(4401);
    // Presenting it to another site's session endpoint yields a new visitor, not the old one.
    const s = await http<{ visitor: { id: string }; created: boolean }>(
      t.server,
      'POST',
      '/api/v1/visitor/session',
      { body: { siteKey: other.key, token: visitor.token } },
    );
    expect(s.body.created).toBe(true);
    expect(s.body.visitor.id).not.toBe(visitor.visitorId);
  });
});

describe('sneak peek', () => {
  it('follows the site switch, also for sockets already open', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const vws = await visitorSocket(t.server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'hi' });
    const { conversationId } = await vws.next('ack');
    const aws = await agentSocket(t.server, t.owner);
    await aws.next('welcome');

    vws.send({ t: 'typing', conversationId, preview: 'visible draft' });
    expect(await aws.next('typing')).toMatchObject({ preview: 'visible draft' });

    const off = await http(t.server, 'PATCH', `/api/v1/sites/${t.server.siteId}`, {
      agent: t.owner,
      body: { settings: { sneakPeek: false } },
    });
    expect(off).toMatchObject({ status: 200, body: { site: { settings: { sneakPeek: false } } } });
    vws.send({ t: 'typing', conversationId, preview: 'private draft' });
    const typing = await aws.next('typing');
    expect(typing.author.kind).toBe('visitor');
    expect(typing).not.toHaveProperty('preview');

    await http(t.server, 'PATCH', `/api/v1/sites/${t.server.siteId}`, {
      agent: t.owner,
      body: { settings: { sneakPeek: true } },
    });
    vws.close();
    aws.close();
  });
});

describe('private notes', () => {
  it('are delivered to agents and never to the visitor', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const vws = await visitorSocket(t.server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'question' });
    const { conversationId } = await vws.next('ack');
    const aws = await agentSocket(t.server, t.owner);
    await aws.next('welcome');
    aws.send({
      t: 'send',
      clientMsgId: uuid(),
      conversationId,
      body: 'this customer is a VIP',
      private: true,
    });
    await aws.next('ack');
    aws.send({ t: 'send', clientMsgId: uuid(), conversationId, body: 'public answer' });
    await aws.next('ack');
    expect(await aws.next('msg', (m) => m.private)).toMatchObject({ body: 'this customer is a VIP' });
    await vws.next('msg', (m) => m.body === 'public answer');
    expect(vws.all('msg').map((m) => m.body)).toEqual(['question', 'public answer']);
    const visitorList = await http<{ conversations: { lastSeq: number }[] }>(
      t.server,
      'GET',
      '/api/v1/visitor/conversations',
      { visitorToken: visitor.token },
    );
    expect(JSON.stringify(visitorList.body)).not.toContain('VIP');
    // Visitors cannot write notes.
    const id = uuid();
    vws.send({ t: 'send', clientMsgId: id, conversationId, body: 'x', private: true });
    expect(await vws.next('error', (e) => e.ref === id)).toMatchObject({ code: 'forbidden' });

    // A trailing note does not even show in the visitor's lastSeq.
    aws.send({ t: 'send', clientMsgId: uuid(), conversationId, body: 'second note', private: true });
    await aws.next('ack', (a) => a.seq === 4);
    const mine = await http<{ conversations: { lastSeq: number }[] }>(
      t.server,
      'GET',
      '/api/v1/visitor/conversations',
      { visitorToken: visitor.token },
    );
    expect(mine.body.conversations[0]?.lastSeq).toBe(3);
    vws.send({ t: 'fetch', ref: 'h', conversationId, afterSeq: 0 });
    expect(await vws.next('history')).toMatchObject({ lastSeq: 3, hasMore: false });
    const agentSide = await http<{ conversation: { lastSeq: number } }>(
      t.server,
      'GET',
      `/api/v1/conversations/${conversationId}`,
      { agent: t.owner },
    );
    expect(agentSide.body.conversation.lastSeq).toBe(4);
    vws.close();
    aws.close();
  });
});
