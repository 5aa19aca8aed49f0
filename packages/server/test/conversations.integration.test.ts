/**
 * The conversation log over real sockets and REST: round trip, idempotency, starting, resume and
 * gap fetch, history paging, and the state changes (assign, close, reopen) written into the log.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '@parley/protocol';
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

describe('visitor → agent round trip over WebSocket', () => {
  it('delivers a message both ways with ack after commit, typing, and read marks', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const agentWs = await agentSocket(t.server, t.owner);
    await agentWs.next('welcome');
    const vws = await visitorSocket(t.server, visitor.token);
    const welcome = await vws.next('welcome');
    expect(welcome.role).toBe('visitor');
    expect(welcome.conversations).toEqual([]);

    const clientMsgId = uuid();
    vws.send({ t: 'send', clientMsgId, body: 'Hello, is anyone there?' });
    const ack = await vws.next('ack');
    expect(ack).toMatchObject({ clientMsgId, seq: 1, duplicate: false });
    // The ack comes after commit: the row is there.
    expect((await dbMessages(t.server, ack.conversationId)).map((m) => m.body)).toEqual([
      'Hello, is anyone there?',
    ]);

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
    expect(got.author).toMatchObject({ kind: 'agent', id: t.owner.agentId, name: 'Owner' });
    // First public reply assigns the conversation to the replying agent.
    const assigned = await agentWs.next(
      'conversation',
      (f) =>
        f.conversation.id === ack.conversationId &&
        'assigneeId' in f.conversation &&
        f.conversation.assigneeId === t.owner.agentId,
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
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const ws = await visitorSocket(t.server, visitor.token);
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
    expect((await dbMessages(t.server, a1.conversationId)).map((m) => m.body)).toEqual(['first', 'second']);

    // Over REST as well, with the same key space.
    const rest = await http<{ message: Message; duplicate: boolean }>(
      t.server,
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
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const a = await visitorSocket(t.server, visitor.token);
    const b = await visitorSocket(t.server, visitor.token);
    await Promise.all([a.next('welcome'), b.next('welcome')]);
    const id = uuid();
    a.send({ t: 'send', clientMsgId: id, body: 'racing' });
    b.send({ t: 'send', clientMsgId: id, body: 'racing' });
    const [x, y] = await Promise.all([a.next('ack'), b.next('ack')]);
    expect(x.seq).toBe(y.seq);
    expect(x.conversationId).toBe(y.conversationId);
    expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
    expect(await dbMessages(t.server, x.conversationId)).toHaveLength(1);
    a.close();
    b.close();
  });
});

describe('starting conversations', () => {
  it('N parallel starts for one visitor create exactly one conversation', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        http<{ conversation: { id: string }; created: boolean }>(
          t.server,
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
    const rows = await t.server.ctx.db
      .selectFrom('conversations')
      .select('id')
      .where('visitor_id', '=', visitor.visitorId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('N parallel first messages (no conversationId) from one visitor land in one conversation with gap-free seqs', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => visitorSocket(t.server, visitor.token)),
    );
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
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const v1 = await visitorSocket(t.server, visitor.token);
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
      const r = await http(t.server, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        agent: t.owner,
        body: { clientMsgId: uuid(), body, private: priv },
      });
      expect(r.status).toBe(201);
    }

    const v2 = await visitorSocket(t.server, visitor.token, { resume: { [conversationId]: 2 } });
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
      t.server,
      'GET',
      `/api/v1/conversations/${conversationId}/messages?after=0&limit=2`,
      { agent: t.owner },
    );
    expect(agentView.body.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(agentView.body.hasMore).toBe(true);
    const rest = await http<{ messages: Message[] }>(
      t.server,
      'GET',
      `/api/v1/conversations/${conversationId}/messages?after=2`,
      { agent: t.owner },
    );
    expect(rest.body.messages.map((m) => m.body)).toEqual(['a1', 'note for colleagues', 'a2']);
    v2.close();
  });

  it('events produced while a socket is being welcomed are not lost', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const ws = await visitorSocket(t.server, visitor.token);
    await ws.next('welcome');
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'start' });
    const { conversationId } = await ws.next('ack');
    // An agent connects while replies are being written concurrently; it must see all of them
    // through resume or live events, with nothing missing.
    const writes = Array.from({ length: 10 }, (_, i) =>
      http(t.server, 'POST', `/api/v1/visitor/conversations/${conversationId}/messages`, {
        visitorToken: visitor.token,
        body: { clientMsgId: uuid(), body: `burst ${i}` },
      }),
    );
    const agent = await agentSocket(t.server, t.owner, { resume: { [conversationId]: 0 } });
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

describe('visitor history', () => {
  it('pages a returning visitor’s conversations newest first', async () => {
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await http<{ conversation: { id: string } }>(
        t.server,
        'POST',
        '/api/v1/visitor/conversations',
        { visitorToken: visitor.token },
      );
      ids.push(r.body.conversation.id);
      await http(t.server, 'POST', `/api/v1/visitor/conversations/${r.body.conversation.id}/close`, {
        visitorToken: visitor.token,
      });
    }
    type Page = { conversations: { id: string; status: string }[]; nextCursor: string | null };
    const first = await http<Page>(t.server, 'GET', '/api/v1/visitor/conversations?limit=2', {
      visitorToken: visitor.token,
    });
    expect(first.body.conversations.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await http<Page>(
      t.server,
      'GET',
      `/api/v1/visitor/conversations?limit=2&before=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { visitorToken: visitor.token },
    );
    expect(second.body).toEqual({
      conversations: [expect.objectContaining({ id: ids[0], status: 'closed' })],
      nextCursor: null,
    });
    const bad = await http(t.server, 'GET', '/api/v1/visitor/conversations?before=garbage', {
      visitorToken: visitor.token,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });
});

describe('assign, close, reopen', () => {
  it('changes state, writes system lines into the log, and notifies both sides', async () => {
    const colleague = await createAgent(t.server, t.owner, { name: 'Colleague' });
    const visitor = await createVisitor(t.server, t.server.siteKey);
    const vws = await visitorSocket(t.server, visitor.token);
    await vws.next('welcome');
    vws.send({ t: 'send', clientMsgId: uuid(), body: 'help' });
    const { conversationId } = await vws.next('ack');
    const cws = await agentSocket(t.server, colleague);
    await cws.next('welcome');

    const assign = await http<{ conversation: { assigneeId: string } }>(
      t.server,
      'POST',
      `/api/v1/conversations/${conversationId}/assign`,
      { agent: t.owner, body: { agentId: colleague.agentId } },
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
      t.server,
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

    await http(t.server, 'POST', `/api/v1/conversations/${conversationId}/close`, { agent: colleague });
    const reopen = await http<{ conversation: { status: string } }>(
      t.server,
      'POST',
      `/api/v1/conversations/${conversationId}/reopen`,
      { agent: t.owner },
    );
    expect(reopen.body.conversation.status).toBe('open');
    const log = await dbMessages(t.server, conversationId);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((m) => m.author_kind === 'system').map((m) => m.body)).toEqual([
      'Owner assigned the conversation to Colleague',
      'Colleague closed the conversation',
      'The visitor reopened the conversation',
      'Colleague closed the conversation',
      'Owner reopened the conversation',
    ]);
    // Assigning to an agent without access to the site is refused.
    const other = await createSite(t.server, t.owner);
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const bad = await http(t.server, 'POST', `/api/v1/conversations/${conversationId}/assign`, {
      agent: t.owner,
      body: { agentId: outsider.agentId },
    });
    expect(bad.status).toBe(422);
    vws.close();
    cws.close();
  });
});
