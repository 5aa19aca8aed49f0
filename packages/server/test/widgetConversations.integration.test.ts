/**
 * What the widget adds to conversations: the offline form, ratings, and transcripts by e-mail
 * (delivered to a real SMTP server on loopback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationForAgent } from '@parley/protocol';
import { TRANSCRIPT_LIMITS } from '../src/conversations/transcript';
import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  dbMessages,
  http,
  login,
  startTestServer,
  useTestServer,
  uuid,
  visitorSocket,
  type AgentSession,
  type TestServer,
} from './helpers';
import { decodeHeader, startTestSmtp, type TestSmtp } from './smtp';

const t = useTestServer();

interface OfflineBody {
  conversation: { id: string; status: string; lastSeq: number };
  message: { id: string; seq: number; body: string; author: { kind: string; name: string | null } };
  created: boolean;
  duplicate: boolean;
}

function offline(server: { url: string }, token: string, body: Record<string, unknown>) {
  return http<OfflineBody>(server, 'POST', '/api/v1/visitor/offline-messages', { visitorToken: token, body });
}

function conversationRow(server: TestServer, id: string) {
  return server.ctx.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function agentConversation(server: TestServer, agent: AgentSession, id: string) {
  const r = await http<{ conversation: unknown }>(server, 'GET', `/api/v1/conversations/${id}`, { agent });
  return ConversationForAgent.parse(r.body.conversation);
}

describe('offline form', () => {
  it('opens an unassigned offline_form conversation the site’s agents see live, and fills the visitor', async () => {
    const site = await createSite(t.server, t.owner);
    const member = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const ws = await agentSocket(t.server, member);
    await ws.next('welcome');
    const v = await createVisitor(t.server, site.key);
    const clientMsgId = uuid();
    const r = await offline(t.server, v.token, {
      clientMsgId,
      fields: { name: 'Olga', email: 'olga@example.com', company: 'Acme' },
      message: '  Please call me back about my order.  ',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      conversation: { status: 'open', lastSeq: 1 },
      message: {
        seq: 1,
        body: 'Please call me back about my order.',
        author: { kind: 'visitor', name: 'Olga' },
      },
      created: true,
      duplicate: false,
    });
    const id = r.body.conversation.id;
    expect(await conversationRow(t.server, id)).toMatchObject({
      source: 'offline_form',
      status: 'open',
      assignee_id: null,
      site_id: site.id,
    });

    const conv = await ws.next('conversation', (f) => f.conversation.id === id);
    expect(ConversationForAgent.parse(conv.conversation)).toMatchObject({
      source: 'offline_form',
      assigneeId: null,
      status: 'open',
    });
    const msg = await ws.next('msg', (f) => f.conversationId === id);
    expect(msg).toMatchObject({ seq: 1, body: 'Please call me back about my order.', clientMsgId });
    const visitor = await ws.next('visitor', (f) => f.visitor.id === v.visitorId);
    expect(visitor.visitor).toMatchObject({
      name: 'Olga',
      email: 'olga@example.com',
      attributes: { company: 'Acme' },
    });
    expect(await agentConversation(t.server, member, id)).toMatchObject({
      source: 'offline_form',
      visitorName: 'Olga',
      visitorEmail: 'olga@example.com',
    });
    const inbox = await http<{ conversations: { id: string; source: string }[] }>(
      t.server,
      'GET',
      `/api/v1/conversations?assignee=none&siteId=${site.id}`,
      { agent: member },
    );
    expect(inbox.body.conversations).toEqual([expect.objectContaining({ id, source: 'offline_form' })]);

    // A retry is the same message: nothing new is stored or announced.
    const again = await offline(t.server, v.token, {
      clientMsgId,
      fields: { name: 'Olga', email: 'olga@example.com', company: 'Acme' },
      message: 'Please call me back about my order.',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      created: false,
      duplicate: true,
      message: { id: r.body.message.id, seq: 1 },
    });
    expect(await dbMessages(t.server, id)).toHaveLength(1);
    const conflict = await offline(t.server, v.token, { clientMsgId, fields: {}, message: 'something else' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'client_msg_id_conflict' } });
    expect(ws.all('msg').filter((f) => f.conversationId === id)).toHaveLength(1);
    ws.close();
  });

  it('adds to the visitor’s open conversation when there is one', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const started = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: v.token,
      },
    );
    const r = await offline(t.server, v.token, { clientMsgId: uuid(), fields: {}, message: 'still there?' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created: false, conversation: { id: started.body.conversation.id } });
    expect(await conversationRow(t.server, started.body.conversation.id)).toMatchObject({ source: 'chat' });
  });

  it('creates the conversation in the department chosen in the form', async () => {
    const site = await createSite(t.server, t.owner);
    const dept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'After hours', siteId: site.id },
    });
    const v = await createVisitor(t.server, site.key);
    const r = await offline(t.server, v.token, {
      clientMsgId: uuid(),
      fields: { email: 'p@example.com', department: dept.body.department.id },
      message: 'hello',
    });
    expect(r.status).toBe(201);
    expect(await conversationRow(t.server, r.body.conversation.id)).toMatchObject({
      department_id: dept.body.department.id,
      source: 'offline_form',
    });
  });

  it('refuses bad input and stores nothing', async () => {
    const other = await createSite(t.server, t.owner);
    const foreign = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Not yours', siteId: other.id },
    });
    const v = await createVisitor(t.server, t.server.siteKey);
    const cases: [Record<string, unknown>, number][] = [
      [{ clientMsgId: uuid(), fields: { email: 'nope' }, message: 'hi' }, 422],
      [{ clientMsgId: uuid(), fields: { department: foreign.body.department.id }, message: 'hi' }, 422],
      [{ clientMsgId: uuid(), fields: {}, message: '   ' }, 400],
      [{ clientMsgId: 'not-a-uuid', fields: {}, message: 'hi' }, 400],
      [{ clientMsgId: uuid(), fields: {}, message: 'x'.repeat(5001) }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await offline(t.server, v.token, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
    }
    const rows = await t.server.ctx.db
      .selectFrom('conversations')
      .select('id')
      .where('visitor_id', '=', v.visitorId)
      .execute();
    expect(rows).toEqual([]);
    expect(
      (await offline(t.server, 'pv_unknown', { clientMsgId: uuid(), fields: {}, message: 'x' })).status,
    ).toBe(401);
  });
});

describe('rating', () => {
  it('the visitor rates its conversation, may change it; agents get the rating and comment live', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const vs = await visitorSocket(t.server, v.token);
    await vs.next('welcome');
    vs.send({ t: 'send', clientMsgId: uuid(), body: 'help' });
    const { conversationId: id } = await vs.next('ack');
    const ws = await agentSocket(t.server, t.owner);
    await ws.next('welcome');
    const rate = (body: Record<string, unknown>, token = v.token, conv = id) =>
      http<{ conversation: { id: string; rating: string | null } }>(
        t.server,
        'POST',
        `/api/v1/visitor/conversations/${conv}/rating`,
        { visitorToken: token, body },
      );

    const good = await rate({ rating: 'good' });
    expect(good.status).toBe(200);
    expect(good.body.conversation).toMatchObject({ id, rating: 'good' });
    const f1 = await ws.next(
      'conversation',
      (f) => f.conversation.id === id && f.conversation.rating === 'good',
    );
    expect(ConversationForAgent.parse(f1.conversation).ratingComment).toBeNull();
    await vs.next('conversation', (f) => f.conversation.id === id && f.conversation.rating === 'good');

    // Closed conversations are rated too (the usual moment), and a rating may change.
    await http(t.server, 'POST', `/api/v1/visitor/conversations/${id}/close`, { visitorToken: v.token });
    const bad = await rate({ rating: 'bad', comment: ' Too slow. ' });
    expect(bad.body.conversation.rating).toBe('bad');
    const f2 = await ws.next(
      'conversation',
      (f) => f.conversation.id === id && f.conversation.rating === 'bad',
    );
    expect(ConversationForAgent.parse(f2.conversation)).toMatchObject({
      ratingComment: 'Too slow.',
      status: 'closed',
    });
    const row = await conversationRow(t.server, id);
    expect(row).toMatchObject({ rating: 'bad', rating_comment: 'Too slow.' });
    expect(row.rated_at).toEqual(expect.any(Number));

    // The same rating again changes nothing and announces nothing.
    const frames = ws.all('conversation').length;
    expect((await rate({ rating: 'bad', comment: 'Too slow.' })).status).toBe(200);
    await rate({ rating: 'bad' });
    await ws.next(
      'conversation',
      (f) =>
        f.conversation.id === id &&
        f.conversation.rating === 'bad' &&
        ConversationForAgent.parse(f.conversation).ratingComment === null,
    );
    expect(ws.all('conversation').length).toBe(frames + 1);

    const other = await createVisitor(t.server, t.server.siteKey);
    const theirs = await rate({ rating: 'good' }, other.token);
    expect(theirs.status).toBe(404);
    expect((await rate({ rating: 'good' }, v.token, 'no-such-conversation')).status).toBe(404);
    expect((await rate({ rating: 'meh' })).status).toBe(400);
    expect((await rate({ rating: 'good', comment: 'x'.repeat(2001) })).status).toBe(400);
    expect((await conversationRow(t.server, id)).rating).toBe('bad');
    vs.close();
    ws.close();
  });
});

describe('transcript without SMTP', () => {
  it('answers 501 mail_not_configured, and the widget config says transcripts are off', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const c = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: v.token,
      },
    );
    const r = await http(
      t.server,
      'POST',
      `/api/v1/visitor/conversations/${c.body.conversation.id}/transcript`,
      {
        visitorToken: v.token,
        body: { email: 'me@example.com' },
      },
    );
    expect(r.status).toBe(501);
    expect(r.body).toMatchObject({ error: { code: 'mail_not_configured' } });
    const cfg = await http(t.server, 'GET', `/api/v1/widget/config?site=${t.server.siteKey}`);
    expect(cfg.body).toMatchObject({ transcripts: false });
  });
});

describe('transcript by e-mail', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let owner: AgentSession;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer({ smtpUrl: smtp.url, mailFrom: 'Shop Support <support@shop.example>' });
    owner = await login(server, server.ownerEmail, server.ownerPassword);
  });
  afterAll(async () => {
    await server.stop();
    await smtp.close();
  });

  async function conversationWithNote() {
    const v = await createVisitor(server, server.siteKey);
    const c = await http<{ conversation: { id: string } }>(server, 'POST', '/api/v1/visitor/conversations', {
      visitorToken: v.token,
    });
    const id = c.body.conversation.id;
    const send = (body: Record<string, unknown>, as: { agent?: AgentSession; visitorToken?: string }) =>
      http(
        server,
        'POST',
        as.agent ? `/api/v1/conversations/${id}/messages` : `/api/v1/visitor/conversations/${id}/messages`,
        {
          ...as,
          body: { clientMsgId: uuid(), ...body },
        },
      );
    expect(
      (await send({ body: 'My parcel never arrived.\nOrder A-17.' }, { visitorToken: v.token })).status,
    ).toBe(201);
    expect(
      (await send({ body: 'SECRET NOTE: refund is pre-approved', private: true }, { agent: owner })).status,
    ).toBe(201);
    expect(
      (await send({ body: 'Sorry about that — a new one ships today. Ünïcödé ✓' }, { agent: owner })).status,
    ).toBe(201);
    return { v, id };
  }

  it('mails the visitor-visible conversation, never private notes', async () => {
    const { v, id } = await conversationWithNote();
    const cfg = await http(server, 'GET', `/api/v1/widget/config?site=${server.siteKey}`);
    expect(cfg.body).toMatchObject({ transcripts: true });

    const before = smtp.mails.length;
    const r = await http(server, 'POST', `/api/v1/visitor/conversations/${id}/transcript`, {
      visitorToken: v.token,
      body: { email: 'customer@example.com' },
    });
    expect(r.status).toBe(200);
    // The visitor's message and the reply; not the note.
    expect(r.body).toEqual({ ok: true, messages: 2 });
    expect(smtp.mails).toHaveLength(before + 1);
    const mail = smtp.mails.at(-1);
    expect(mail?.to).toEqual(['customer@example.com']);
    expect(mail?.from).toBe('support@shop.example');
    expect(decodeHeader(mail?.headers.get('subject') ?? '')).toBe('Your conversation with Demo site');
    const text = mail?.text ?? '';
    expect(text).toContain('You: My parcel never arrived.');
    expect(text).toContain('    Order A-17.');
    expect(text).toContain('Owner: Sorry about that — a new one ships today. Ünïcödé ✓');
    expect(text).not.toContain('SECRET NOTE');
    expect(text).not.toContain('refund');
    const log = await server.ctx.db
      .selectFrom('mail_log')
      .selectAll()
      .where('conversation_id', '=', id)
      .execute();
    expect(log).toEqual([
      expect.objectContaining({
        kind: 'transcript',
        recipient: 'customer@example.com',
        status: 'sent',
        error: null,
      }),
    ]);
  });

  it('only for the visitor’s own conversation, to a valid address', async () => {
    const { id } = await conversationWithNote();
    const stranger = await createVisitor(server, server.siteKey);
    const before = smtp.mails.length;
    const r = await http(server, 'POST', `/api/v1/visitor/conversations/${id}/transcript`, {
      visitorToken: stranger.token,
      body: { email: 'stranger@example.com' },
    });
    expect(r.status).toBe(404);
    const bad = await http(server, 'POST', `/api/v1/visitor/conversations/${id}/transcript`, {
      visitorToken: stranger.token,
      body: { email: 'not an address' },
    });
    expect(bad.status).toBe(400);
    expect(smtp.mails).toHaveLength(before);
  });

  it('answers 502 mail_failed when the SMTP server refuses, and logs the failure', async () => {
    const { v, id } = await conversationWithNote();
    smtp.rejectRecipients = true;
    try {
      const r = await http(server, 'POST', `/api/v1/visitor/conversations/${id}/transcript`, {
        visitorToken: v.token,
        body: { email: 'blocked@example.com' },
      });
      expect(r.status).toBe(502);
      expect(r.body).toMatchObject({ error: { code: 'mail_failed' } });
    } finally {
      smtp.rejectRecipients = false;
    }
    const log = await server.ctx.db
      .selectFrom('mail_log')
      .selectAll()
      .where('conversation_id', '=', id)
      .execute();
    expect(log).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.stringContaining('550') as unknown }),
    ]);
  });

  it('limits transcripts per visitor and per site, counted in the database', async () => {
    const { v, id } = await conversationWithNote();
    const now = Date.now();
    const seed = (n: number, visitorId: string | null) =>
      server.ctx.db
        .insertInto('mail_log')
        .values(
          Array.from({ length: n }, () => ({
            site_id: server.siteId,
            visitor_id: visitorId,
            conversation_id: null,
            kind: 'transcript' as const,
            recipient: 'earlier@example.com',
            status: 'sent' as const,
            error: null,
            at: now - 60_000,
          })),
        )
        .execute();
    const ask = () =>
      http(server, 'POST', `/api/v1/visitor/conversations/${id}/transcript`, {
        visitorToken: v.token,
        body: { email: 'me@example.com' },
      });
    await seed(TRANSCRIPT_LIMITS.perVisitorPerDay - 1, v.visitorId);
    expect((await ask()).status).toBe(200);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });

    // The site's hourly budget covers all its visitors together.
    const fresh = await conversationWithNote();
    const used = await server.ctx.db
      .selectFrom('mail_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('site_id', '=', server.siteId)
      .executeTakeFirstOrThrow();
    await seed(TRANSCRIPT_LIMITS.perSitePerHour - Number(used.n), null);
    const siteRefused = await http(server, 'POST', `/api/v1/visitor/conversations/${fresh.id}/transcript`, {
      visitorToken: fresh.v.token,
      body: { email: 'me@example.com' },
    });
    expect(siteRefused.status).toBe(429);
    // Refused requests leave no trace that would count against later ones.
    const pending = await server.ctx.db
      .selectFrom('mail_log')
      .select('id')
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toEqual([]);
  });
});
