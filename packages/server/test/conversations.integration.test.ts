import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  http,
  login,
  uuid,
  visitorSocket,
  type AgentSession,
  type TestServer,
  startTestServer,
} from './helpers';

let server: TestServer;
let owner: AgentSession;

beforeAll(async () => {
  server = await startTestServer();
  owner = await login(server, server.ownerEmail, server.ownerPassword);
});
afterAll(async () => server.stop());

async function dbMessages(conversationId: string) {
  return server.ctx.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();
}

describe('visitor → agent round trip over WebSocket', () => {
  it('delivers a message both ways with ack after commit, typing, and read marks', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const agentWs = await agentSocket(server, owner);
    await agentWs.next('welcome');
    const vws = await visitorSocket(server, visitor.token);
    const welcome = await vws.next('welcome');
    expect(welcome.role).toBe('visitor');
    expect(welcome.conversations).toEqual([]);

    const clientMsgId = uuid();
    vws.send({ t: 'send', clientMsgId, body: 'Hello, is anyone there?' });
    const ack = await vws.next('ack');
    expect(ack).toMatchObject({ clientMsgId, seq: 1, duplicate: false });
    // The ack comes after commit: the row is there.
    expect((await dbMessages(ack.conversationId)).map((m) => m.body)).toEqual(['Hello, is anyone there?']);

    const created = await agentWs.next('conversation', (f) => f.conversation.id === ack.conversationId);
    expect(created.conversation).toMatchObject({ status: 'open', visitorId: visitor.visitorId });
    const seen = await agentWs.next('msg', (f) => f.conversationId === ack.conversationId);
    expect(seen).toMatchObject({
      seq: 1,
      body: 'Hello, is anyone there?',
      author: { kind: 'visitor', id: visitor.visitorId },
    });

    // Sneak peek is on for the demo site: the agent sees the draft.
    vws.send({ t: 'typing', conversationId: ack.conversationId, preview: 'I need help with my ord' });
    const typing = await agentWs.next('typing');
    expect(typing).toMatchObject({
      conversationId: ack.conversationId,
      preview: 'I need help with my ord',
      author: { kind: 'visitor' },
    });

    agentWs.send({ t: 'typing', conversationId: ack.conversationId, preview: 'secret draft of the agent' });
    const agentTyping = await vws.next('typing');
    expect(agentTyping.author.kind).toBe('agent');
    expect(agentTyping.preview).toBeUndefined();

    const reply = uuid();
    agentWs.send({
      t: 'send',
      clientMsgId: reply,
      conversationId: ack.conversationId,
      body: 'Hi! How can I help?',
    });
    expect(await agentWs.next('ack')).toMatchObject({ clientMsgId: reply, seq: 2 });
    const got = await vws.next('msg', (f) => f.seq === 2);
    expect(got.author).toMatchObject({ kind: 'agent', id: owner.agentId, name: 'Owner' });
    // First public reply assigns the conversation to the replying agent.
    const assigned = await agentWs.next(
      'conversation',
      (f) =>
        f.conversation.id === ack.conversationId &&
        'assigneeId' in f.conversation &&
        f.conversation.assigneeId === owner.agentId,
    );
    expect(assigned.conversation).toMatchObject({ firstResponseAt: expect.any(String) as unknown });

    vws.send({ t: 'read', conversationId: ack.conversationId, seq: 99 });
    const read = await agentWs.next('read');
    // Clamped to the log: a read mark never points past the last message.
    expect(read).toMatchObject({
      conversationId: ack.conversationId,
      reader: { kind: 'visitor', id: visitor.visitorId },
      seq: 2,
    });
    vws.send({ t: 'read', conversationId: ack.conversationId, seq: 1 });
    expect(await agentWs.next('read')).toMatchObject({ seq: 2 });
    vws.close();
    agentWs.close();
  });
});

describe('idempotency (clientMsgId)', () => {
  it('returns the original seq for a duplicate and rejects a different body', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const ws = await visitorSocket(server, visitor.token);
    await ws.next('welcome');
    const id = uuid();
    ws.send({ t: 'send', clientMsgId: id, body: 'first' });
    const a1 = await ws.next('ack');
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'second' });
    const a2 = await ws.next('ack');
    expect(a2.seq).toBe(2);
    ws.send({ t: 'send', clientMsgId: id, body: 'first' });
    const dup = await ws.next('ack');
    expect(dup).toMatchObject({
      clientMsgId: id,
      seq: a1.seq,
      messageId: a1.messageId,
      conversationId: a1.conversationId,
      duplicate: true,
    });
    ws.send({ t: 'send', clientMsgId: id, body: 'first, but edited' });
    expect(await ws.next('error')).toMatchObject({ code: 'client_msg_id_conflict', ref: id });
    expect((await dbMessages(a1.conversationId)).map((m) => m.body)).toEqual(['first', 'second']);

    // Over REST as well, with the same key space.
    const rest = await http<{ message: Message; duplicate: boolean }>(
      server,
      'POST',
      `/api/v1/visitor/conversations/${a1.conversationId}/messages`,
      {
        visitorToken: visitor.token,
        body: { clientMsgId: id, body: 'first' },
      },
    );
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ duplicate: true, message: { seq: 1 } });
    ws.close();
  });

  it('stores one message when the same send races on two sockets', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const a = await visitorSocket(server, visitor.token);
    const b = await visitorSocket(server, visitor.token);
    await Promise.all([a.next('welcome'), b.next('welcome')]);
    const id = uuid();
    a.send({ t: 'send', clientMsgId: id, body: 'racing' });
    b.send({ t: 'send', clientMsgId: id, body: 'racing' });
    const [x, y] = await Promise.all([a.next('ack'), b.next('ack')]);
    expect(x.seq).toBe(y.seq);
    expect(x.conversationId).toBe(y.conversationId);
    expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
    expect(await dbMessages(x.conversationId)).toHaveLength(1);
    a.close();
    b.close();
  });
});

describe('starting conversations', () => {
  it('N parallel starts for one visitor create exactly one conversation', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        http<{ conversation: { id: string }; created: boolean }>(
          server,
          'POST',
          '/api/v1/visitor/conversations',
          { visitorToken: visitor.token },
        ),
      ),
    );
    const ids = new Set(results.map((r) => r.body.conversation.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const rows = await server.ctx.db
      .selectFrom('conversations')
      .select('id')
      .where('visitor_id', '=', visitor.visitorId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('N parallel first messages (no conversationId) from one visitor land in one conversation with gap-free seqs', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => visitorSocket(server, visitor.token)));
    await Promise.all(sockets.map((s) => s.next('welcome')));
    sockets.forEach((s, i) => {
      for (let k = 0; k < 4; k++)
        s.send({ t: 'send', clientMsgId: uuid(), body: `socket ${i} message ${k}` });
    });
    const acks = (
      await Promise.all(sockets.map(async (s) => Promise.all([0, 1, 2, 3].map(() => s.next('ack')))))
    ).flat();
    expect(new Set(acks.map((a) => a.conversationId)).size).toBe(1);
    expect(acks.map((a) => a.seq).sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const s of sockets) s.close();
  });
});

describe('resume and gap fetch', () => {
  it('a client that reconnects with resume gets exactly what it missed, private notes excluded', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const v1 = await visitorSocket(server, visitor.token);
    await v1.next('welcome');
    v1.send({ t: 'send', clientMsgId: uuid(), body: 'm1' });
    const { conversationId } = await v1.next('ack');
    v1.send({ t: 'send', clientMsgId: uuid(), body: 'm2' });
    await v1.next('ack');
    v1.close();
    await v1.closed();

    // While the visitor is away: two replies and a private note.
    for (const [body, priv] of [
      ['a1', false],
      ['note for colleagues', true],
      ['a2', false],
    ] as const) {
      const r = await http(server, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        agent: owner,
        body: { clientMsgId: uuid(), body, private: priv },
      });
      expect(r.status).toBe(201);
    }

    const v2 = await visitorSocket(server, visitor.token, { resume: { [conversationId]: 2 } });
    const welcome = await v2.next('welcome');
    expect(welcome.conversations).toEqual([expect.objectContaining({ id: conversationId, lastSeq: 5 })]);
    await v2.next('msg', (m) => m.seq === 5);
    await new Promise((r) => setTimeout(r, 100));
    const msgs = v2.all('msg');
    expect(msgs.map((m) => [m.seq, m.body])).toEqual([
      [3, 'a1'],
      [5, 'a2'],
    ]);
    expect(msgs.every((m) => !m.private)).toBe(true);

    // Gap fetch: the same answer on demand; the agent also gets the note.
    v2.send({ t: 'fetch', ref: 'g1', conversationId, afterSeq: 0, limit: 10 });
    const hist = await v2.next('history');
    expect(hist).toMatchObject({ ref: 'g1', lastSeq: 5 });
    expect(hist.messages.map((m) => m.body)).toEqual(['m1', 'm2', 'a1', 'a2']);
    const agentView = await http<{ messages: Message[]; hasMore: boolean }>(
      server,
      'GET',
      `/api/v1/conversations/${conversationId}/messages?after=0&limit=2`,
      { agent: owner },
    );
    expect(agentView.body.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(agentView.body.hasMore).toBe(true);
    const rest = await http<{ messages: Message[] }>(
      server,
      'GET',
      `/api/v1/conversations/${conversationId}/messages?after=2`,
      { agent: owner },
    );
    expect(rest.body.messages.map((m) => m.body)).toEqual(['a1', 'note for colleagues', 'a2']);
    v2.close();
  });

  it('events produced while a socket is being welcomed are not lost', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const ws = await visitorSocket(server, visitor.token);
    await ws.next('welcome');
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'start' });
    const { conversationId } = await ws.next('ack');
    // An agent connects while replies are being written concurrently; it must see all of them
    // through resume or live events, with nothing missing.
    const writes = Array.from({ length: 10 }, (_, i) =>
      http(server, 'POST', `/api/v1/visitor/conversations/${conversationId}/messages`, {
        visitorToken: visitor.token,
        body: { clientMsgId: uuid(), body: `burst ${i}` },
      }),
    );
    const agent = await agentSocket(server, owner, { resume: { [conversationId]: 0 } });
    await Promise.all(writes);
    await agent.next('msg', (m) => m.conversationId === conversationId && m.seq === 11);
    const seqs = new Set(
      agent
        .all('msg')
        .filter((m) => m.conversationId === conversationId)
        .map((m) => m.seq),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    ws.close();
    agent.close();
  });
});

describe('isolation between visitors, sites and agents', () => {
  it('a visitor cannot read, write or resume another visitor’s conversation', async () => {
    const alice = await createVisitor(server, server.siteKey);
    const mallory = await createVisitor(server, server.siteKey);
    const a = await visitorSocket(server, alice.token);
    await a.next('welcome');
    a.send({ t: 'send', clientMsgId: uuid(), body: 'private to alice' });
    const { conversationId } = await a.next('ack');

    const m = await visitorSocket(server, mallory.token, { resume: { [conversationId]: 0 } });
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
    const rest = await http(server, 'GET', `/api/v1/visitor/conversations/${conversationId}/messages`, {
      visitorToken: mallory.token,
    });
    expect(rest.status).toBe(404);
    expect((await dbMessages(conversationId)).map((r) => r.body)).toEqual(['private to alice']);
    a.close();
    m.close();
  });

  it('an agent sees only the sites it belongs to', async () => {
    const other = await createSite(server, owner);
    const outsider = await createAgent(server, owner, { siteIds: [other.id] });
    const visitor = await createVisitor(server, server.siteKey);
    const r = await http<{ conversation: { id: string } }>(server, 'POST', '/api/v1/visitor/conversations', {
      visitorToken: visitor.token,
    });
    const id = r.body.conversation.id;

    expect((await http(server, 'GET', `/api/v1/conversations/${id}`, { agent: outsider })).status).toBe(404);
    expect(
      (await http(server, 'GET', `/api/v1/conversations/${id}/messages`, { agent: outsider })).status,
    ).toBe(404);
    expect(
      (await http(server, 'POST', `/api/v1/conversations/${id}/close`, { agent: outsider })).status,
    ).toBe(404);
    expect((await http(server, 'GET', `/api/v1/sites/${server.siteId}`, { agent: outsider })).status).toBe(
      403,
    );
    const list = await http<{ conversations: { id: string }[] }>(
      server,
      'GET',
      '/api/v1/conversations?status=all',
      { agent: outsider },
    );
    expect(list.body.conversations.map((c) => c.id)).not.toContain(id);
    const inbox = await http<{ conversations: unknown[] }>(
      server,
      'GET',
      `/api/v1/conversations?siteId=${server.siteId}`,
      { agent: outsider },
    );
    expect(inbox.body.conversations).toEqual([]);

    const ws = await agentSocket(server, outsider);
    const welcome = await ws.next('welcome');
    expect(welcome.conversations.map((c) => c.id)).not.toContain(id);
    const vws = await visitorSocket(server, visitor.token);
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
    const other = await createSite(server, owner);
    const visitor = await createVisitor(server, server.siteKey);
    const ws = await visitorSocket(server, visitor.token, { siteKey: other.key });
    expect(await ws.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await ws.closed()).code).toBe(4401);
    // Presenting it to another site's session endpoint yields a new visitor, not the old one.
    const s = await http<{ visitor: { id: string }; created: boolean }>(
      server,
      'POST',
      '/api/v1/visitor/session',
      { body: { siteKey: other.key, token: visitor.token } },
    );
    expect(s.body.created).toBe(true);
    expect(s.body.visitor.id).not.toBe(visitor.visitorId);
  });
});

describe('visitor history', () => {
  it('pages a returning visitor’s conversations newest first', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await http<{ conversation: { id: string } }>(
        server,
        'POST',
        '/api/v1/visitor/conversations',
        { visitorToken: visitor.token },
      );
      ids.push(r.body.conversation.id);
      await http(server, 'POST', `/api/v1/visitor/conversations/${r.body.conversation.id}/close`, {
        visitorToken: visitor.token,
      });
    }
    type Page = { conversations: { id: string; status: string }[]; nextCursor: string | null };
    const first = await http<Page>(server, 'GET', '/api/v1/visitor/conversations?limit=2', {
      visitorToken: visitor.token,
    });
    expect(first.body.conversations.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await http<Page>(
      server,
      'GET',
      `/api/v1/visitor/conversations?limit=2&before=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { visitorToken: visitor.token },
    );
    expect(second.body).toEqual({
      conversations: [expect.objectContaining({ id: ids[0], status: 'closed' })],
      nextCursor: null,
    });
    const bad = await http(server, 'GET', '/api/v1/visitor/conversations?before=garbage', {
      visitorToken: visitor.token,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });
});

describe('sneak peek', () => {
  it('follows the site switch, also for sockets already open', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const vws = await visitorSocket(server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'hi' });
    const { conversationId } = await vws.next('ack');
    const aws = await agentSocket(server, owner);
    await aws.next('welcome');

    vws.send({ t: 'typing', conversationId, preview: 'visible draft' });
    expect(await aws.next('typing')).toMatchObject({ preview: 'visible draft' });

    const off = await http(server, 'PATCH', `/api/v1/sites/${server.siteId}`, {
      agent: owner,
      body: { settings: { sneakPeek: false } },
    });
    expect(off).toMatchObject({ status: 200, body: { site: { settings: { sneakPeek: false } } } });
    vws.send({ t: 'typing', conversationId, preview: 'private draft' });
    const typing = await aws.next('typing');
    expect(typing.author.kind).toBe('visitor');
    expect(typing).not.toHaveProperty('preview');

    await http(server, 'PATCH', `/api/v1/sites/${server.siteId}`, {
      agent: owner,
      body: { settings: { sneakPeek: true } },
    });
    vws.close();
    aws.close();
  });
});

describe('private notes', () => {
  it('are delivered to agents and never to the visitor', async () => {
    const visitor = await createVisitor(server, server.siteKey);
    const vws = await visitorSocket(server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'question' });
    const { conversationId } = await vws.next('ack');
    const aws = await agentSocket(server, owner);
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
      server,
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
      server,
      'GET',
      '/api/v1/visitor/conversations',
      { visitorToken: visitor.token },
    );
    expect(mine.body.conversations[0]?.lastSeq).toBe(3);
    vws.send({ t: 'fetch', ref: 'h', conversationId, afterSeq: 0 });
    expect(await vws.next('history')).toMatchObject({ lastSeq: 3, hasMore: false });
    const agentSide = await http<{ conversation: { lastSeq: number } }>(
      server,
      'GET',
      `/api/v1/conversations/${conversationId}`,
      { agent: owner },
    );
    expect(agentSide.body.conversation.lastSeq).toBe(4);
    vws.close();
    aws.close();
  });
});

describe('assign, close, reopen', () => {
  it('changes state, writes system lines into the log, and notifies both sides', async () => {
    const colleague = await createAgent(server, owner, { name: 'Colleague' });
    const visitor = await createVisitor(server, server.siteKey);
    const vws = await visitorSocket(server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'help' });
    const { conversationId } = await vws.next('ack');
    const cws = await agentSocket(server, colleague);
    await cws.next('welcome');

    const assign = await http<{ conversation: { assigneeId: string } }>(
      server,
      'POST',
      `/api/v1/conversations/${conversationId}/assign`,
      { agent: owner, body: { agentId: colleague.agentId } },
    );
    expect(assign.status).toBe(200);
    expect(assign.body.conversation.assigneeId).toBe(colleague.agentId);
    // The colleague may first get the `created` snapshot if its socket joined while that was being
    // delivered; the assignment must follow.
    const assigned = await cws.next(
      'conversation',
      (f) => 'assigneeId' in f.conversation && f.conversation.assigneeId !== null,
    );
    expect(assigned.conversation).toMatchObject({ id: conversationId, assigneeId: colleague.agentId });
    expect((await vws.next('msg', (m) => m.author.kind === 'system')).body).toBe(
      'Owner assigned the conversation to Colleague',
    );
    const seenByVisitor = await vws.next(
      'conversation',
      (c) => 'assignee' in c.conversation && c.conversation.assignee !== null,
    );
    expect(seenByVisitor.conversation).toMatchObject({ assignee: { name: 'Colleague' } });
    // The visitor's view carries no internal ids.
    expect(seenByVisitor.conversation).not.toHaveProperty('assigneeId');

    const close = await http<{ conversation: { status: string; closedAt: string } }>(
      server,
      'POST',
      `/api/v1/conversations/${conversationId}/close`,
      { agent: colleague },
    );
    expect(close.body.conversation).toMatchObject({
      status: 'closed',
      closedAt: expect.any(String) as unknown,
    });
    expect((await vws.next('conversation', (c) => c.conversation.status === 'closed')).conversation.id).toBe(
      conversationId,
    );
    const reply = uuid();
    cws.send({ t: 'send', clientMsgId: reply, conversationId, body: 'too late' });
    expect(await cws.next('error', (e) => e.ref === reply)).toMatchObject({ code: 'conversation_closed' });

    // A visitor writing into the closed chat reopens it rather than losing the message.
    const late = uuid();
    vws.send({ t: 'send', clientMsgId: late, conversationId, body: 'one more thing' });
    expect(await vws.next('ack', (a) => a.clientMsgId === late)).toMatchObject({ conversationId });
    expect((await vws.next('conversation', (c) => c.conversation.status === 'open')).conversation.id).toBe(
      conversationId,
    );

    await http(server, 'POST', `/api/v1/conversations/${conversationId}/close`, { agent: colleague });
    const reopen = await http<{ conversation: { status: string } }>(
      server,
      'POST',
      `/api/v1/conversations/${conversationId}/reopen`,
      { agent: owner },
    );
    expect(reopen.body.conversation.status).toBe('open');
    const log = await dbMessages(conversationId);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((m) => m.author_kind === 'system').map((m) => m.body)).toEqual([
      'Owner assigned the conversation to Colleague',
      'Colleague closed the conversation',
      'The visitor reopened the conversation',
      'Colleague closed the conversation',
      'Owner reopened the conversation',
    ]);
    // Assigning to an agent without access to the site is refused.
    const other = await createSite(server, owner);
    const outsider = await createAgent(server, owner, { siteIds: [other.id] });
    const bad = await http(server, 'POST', `/api/v1/conversations/${conversationId}/assign`, {
      agent: owner,
      body: { agentId: outsider.agentId },
    });
    expect(bad.status).toBe(422);
    vws.close();
    cws.close();
  });
});
