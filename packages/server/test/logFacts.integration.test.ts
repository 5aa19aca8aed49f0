/**
 * The facts of each conversation's log that the send path keeps on its row for analytics
 * (migration 007, docs/analytics.md "Where the figures are read"): after real conversations
 * through the API — notes, proactive messages, system lines, offline messages, a reopen — every
 * row says exactly what its log says, worked out again from the messages.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAgent, createSite, createVisitor, http, useTestServer, uuid } from './helpers';
import { agentReply, startChat } from './consoleHelpers';
import { FakeClock, at } from './analyticsFactories';

const clock = new FakeClock(at('2026-03-02T09:00:00Z'));
const t = useTestServer({}, { clock });

/** Each step a second later than the last: every message has its own, known time. */
const tick = () => {
  clock.time += 1000;
  return clock.time;
};

interface FactsRow {
  id: string;
  first_visitor_at: number | null;
  first_reply_at: number | null;
  public_messages: number;
}

/** PostgreSQL's count(*) is a bigint, read as a string by the driver. */
type DerivedRow = Omit<FactsRow, 'public_messages'> & { public_messages: number | string };

/** The row's facts, and the same facts worked out from the log by their definition. */
async function rowAndLog(id: string): Promise<{ row: FactsRow; log: FactsRow }> {
  const db = t.server.ctx.db;
  const row = await db
    .selectFrom('conversations')
    .select(['id', 'first_visitor_at', 'first_reply_at', 'public_messages'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const log = await sql<DerivedRow>`
    select c.id, v.first_visitor_at,
      (select min(m.created_at) from messages m where m.conversation_id = c.id and m.author_kind = 'agent'
        and m.private = 0 and m.created_at >= v.first_visitor_at) as first_reply_at,
      (select count(*) from messages m where m.conversation_id = c.id and m.private = 0
        and m.author_kind <> 'system') as public_messages
    from conversations c, (select min(m.created_at) as first_visitor_at from messages m
      where m.conversation_id = ${id} and m.author_kind = 'visitor' and m.private = 0) v
    where c.id = ${id}`.execute(db);
  const derived = log.rows[0];
  if (derived === undefined) throw new Error('no conversation');
  return { row, log: { ...derived, public_messages: Number(derived.public_messages) } };
}

async function team() {
  const site = await createSite(t.server, t.owner);
  const agent = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Ada' });
  return { site, agent };
}

async function visitorWrites(token: string, conversationId: string, body = 'Still there?') {
  tick();
  const r = await http(t.server, 'POST', `/api/v1/visitor/conversations/${conversationId}/messages`, {
    visitorToken: token,
    body: { clientMsgId: uuid(), body },
  });
  expect(r.status).toBe(201);
}

describe('facts of the log on the conversation row', () => {
  it('a chat with notes, replies, a close and a reopen', async () => {
    const { site, agent } = await team();
    const started = tick();
    const chat = await startChat(t.server, { siteKey: site.key });
    tick();
    await agentReply(t.server, agent, chat.conversationId, 'Looking into it', { private: true });
    const reply = tick();
    await agentReply(t.server, agent, chat.conversationId);
    await visitorWrites(chat.token, chat.conversationId);
    tick();
    await agentReply(t.server, agent, chat.conversationId, 'Done.');
    tick();
    const closed = await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, {
      agent,
    });
    expect(closed.status).toBe(200);
    tick();
    const reopened = await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/reopen`, {
      agent,
    });
    expect(reopened.status).toBe(200);

    const { row, log } = await rowAndLog(chat.conversationId);
    expect(row).toEqual(log);
    // Visitor, reply, visitor, reply: the note and the system lines are not counted.
    expect(row).toMatchObject({ first_visitor_at: started, first_reply_at: reply, public_messages: 4 });
  });

  it('a proactive message: the reply is the first agent message after the visitor answers', async () => {
    const { site, agent } = await team();
    const v = await createVisitor(t.server, site.key);
    tick();
    const invite = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      `/api/v1/visitors/${v.visitorId}/messages`,
      { agent, body: { clientMsgId: uuid(), body: 'Need a hand with sizes?' } },
    );
    expect(invite.status).toBe(201);
    const id = invite.body.conversation.id;

    const unanswered = await rowAndLog(id);
    expect(unanswered.row).toEqual(unanswered.log);
    expect(unanswered.row).toMatchObject({
      first_visitor_at: null,
      first_reply_at: null,
      public_messages: 1,
    });

    await visitorWrites(v.token, id, 'Yes please');
    const answeredAt = clock.time;
    const reply = tick();
    await agentReply(t.server, agent, id, 'Size M runs large.');
    const { row, log } = await rowAndLog(id);
    expect(row).toEqual(log);
    expect(row).toMatchObject({ first_visitor_at: answeredAt, first_reply_at: reply, public_messages: 3 });
  });

  it('an offline message, and a chat nobody answered', async () => {
    const { site } = await team();
    const v = await createVisitor(t.server, site.key);
    const sent = tick();
    const r = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/offline-messages',
      {
        visitorToken: v.token,
        body: {
          clientMsgId: uuid(),
          fields: { name: 'Olga', email: 'olga@example.com' },
          message: 'Call me',
        },
      },
    );
    expect(r.status).toBe(201);
    const offline = await rowAndLog(r.body.conversation.id);
    expect(offline.row).toEqual(offline.log);
    expect(offline.row).toMatchObject({ first_visitor_at: sent, first_reply_at: null, public_messages: 1 });

    const started = tick();
    const chat = await startChat(t.server, { siteKey: site.key });
    await visitorWrites(chat.token, chat.conversationId);
    const alone = await rowAndLog(chat.conversationId);
    expect(alone.row).toEqual(alone.log);
    expect(alone.row).toMatchObject({ first_visitor_at: started, first_reply_at: null, public_messages: 2 });
  });

  it('a message that was already stored (same clientMsgId) changes nothing', async () => {
    const { site, agent } = await team();
    const chat = await startChat(t.server, { siteKey: site.key });
    const clientMsgId = uuid();
    for (let i = 0; i < 2; i++) {
      tick();
      const r = await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/messages`, {
        agent,
        body: { clientMsgId, body: 'Hello!' },
      });
      // The repeat is answered with the stored message (200), not stored again.
      expect(r.status).toBe(i === 0 ? 201 : 200);
    }
    const { row, log } = await rowAndLog(chat.conversationId);
    expect(row).toEqual(log);
    expect(row.public_messages).toBe(2);
  });
});
