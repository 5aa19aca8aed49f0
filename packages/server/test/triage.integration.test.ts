/**
 * Transfers (to an agent or a department, with a note kept from the visitor) and tags (admin-managed,
 * per site or global; on conversations; as an inbox filter), with who may do what.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationForAgent, Tag } from '@parley/protocol';
import {
  agentSocket,
  createAgent,
  createSite,
  dbMessages,
  http,
  visitorSocket,
  useTestServer,
  uuid,
} from './helpers';
import { getConversation, inboxIds, startChat } from './consoleHelpers';

const t = useTestServer();

async function siteWithTeam() {
  const site = await createSite(t.server, t.owner);
  const alice = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Alice' });
  const bob = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Bob' });
  return { site, alice, bob };
}

describe('transfer', () => {
  it('to an agent: the new assignee hears of it, the note stays among agents', async () => {
    const { site, alice, bob } = await siteWithTeam();
    const chat = await startChat(t.server, { siteKey: site.key });
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/assign`, {
      agent: alice,
      body: { agentId: alice.agentId },
    });
    const bobWs = await agentSocket(t.server, bob);
    await bobWs.next('welcome');
    const visitorWs = await visitorSocket(t.server, chat.token, { siteKey: site.key });
    await visitorWs.next('welcome');

    const r = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/transfer`,
      { agent: alice, body: { agentId: bob.agentId, note: 'Wants a refund for order 1234' } },
    );
    expect(r.status).toBe(200);
    expect(r.body.conversation.assigneeId).toBe(bob.agentId);
    const frame = await bobWs.next('conversation', (f) => f.reason === 'transferred');
    expect(frame.conversation).toMatchObject({ id: chat.conversationId, assigneeId: bob.agentId });
    const note = await bobWs.next('msg', (m) => m.private);
    expect(note).toMatchObject({
      body: 'Wants a refund for order 1234',
      author: { kind: 'agent', id: alice.agentId },
    });

    const log = await dbMessages(t.server, chat.conversationId);
    expect(log.slice(-2).map((m) => [m.author_kind, m.private, m.body])).toEqual([
      ['system', 0, 'Alice transferred the conversation to Bob'],
      ['agent', 1, 'Wants a refund for order 1234'],
    ]);
    // The visitor sees the hand-over line, never the note.
    await visitorWs.next('msg', (m) => m.body === 'Alice transferred the conversation to Bob');
    expect(visitorWs.all('msg').map((m) => m.body)).not.toContain('Wants a refund for order 1234');
    const visitorLog = await http<{ messages: { body: string }[] }>(
      t.server,
      'GET',
      `/api/v1/visitor/conversations/${chat.conversationId}/messages`,
      { visitorToken: chat.token },
    );
    expect(visitorLog.body.messages.map((m) => m.body)).not.toContain('Wants a refund for order 1234');

    // The same transfer again changes nothing and writes nothing.
    const again = await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/transfer`, {
      agent: alice,
      body: { agentId: bob.agentId, note: 'Wants a refund for order 1234' },
    });
    expect(again.status).toBe(200);
    expect(await dbMessages(t.server, chat.conversationId)).toHaveLength(log.length);
    bobWs.close();
    visitorWs.close();
  });

  it('to a department: unassigned there, in its members’ view', async () => {
    const { site, alice, bob } = await siteWithTeam();
    const dept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Sales', siteId: site.id, agentIds: [bob.agentId] },
    });
    const chat = await startChat(t.server, { siteKey: site.key });
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/assign`, {
      agent: alice,
      body: { agentId: alice.agentId },
    });
    const r = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/transfer`,
      { agent: alice, body: { departmentId: dept.body.department.id } },
    );
    expect(r.body.conversation).toMatchObject({ departmentId: dept.body.department.id, assigneeId: null });
    expect(await inboxIds(t.server, bob, 'view=departments')).toEqual([chat.conversationId]);
    const log = await dbMessages(t.server, chat.conversationId);
    expect(log.at(-1)).toMatchObject({
      author_kind: 'system',
      body: 'Alice transferred the conversation to Sales',
    });
  });

  it('refuses targets outside the conversation’s site, bad bodies, closed and foreign conversations', async () => {
    const { site, alice } = await siteWithTeam();
    const other = await createSite(t.server, t.owner);
    const stranger = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const otherDept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Elsewhere', siteId: other.id },
    });
    const chat = await startChat(t.server, { siteKey: site.key });
    const transfer = (body: unknown, agent = alice) =>
      http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/transfer`, { agent, body });
    expect(await transfer({ agentId: stranger.agentId })).toMatchObject({ status: 422 });
    expect(await transfer({ departmentId: otherDept.body.department.id })).toMatchObject({ status: 422 });
    expect(await transfer({ agentId: 'nobody' })).toMatchObject({ status: 422 });
    expect((await transfer({})).status).toBe(400);
    expect(
      (await transfer({ agentId: alice.agentId, departmentId: otherDept.body.department.id })).status,
    ).toBe(400);
    expect((await transfer({ agentId: alice.agentId }, stranger)).status).toBe(404);
    const before = await dbMessages(t.server, chat.conversationId);
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, { agent: alice });
    expect(await transfer({ agentId: alice.agentId })).toMatchObject({
      status: 409,
      body: { error: { code: 'conversation_closed' } },
    });
    const after = await dbMessages(t.server, chat.conversationId);
    expect(after.length).toBe(before.length + 1); // only the closing line
  });
});

describe('tags', () => {
  it('admins manage them; agents see the global ones and their sites’, and cannot manage', async () => {
    const { site, alice } = await siteWithTeam();
    const other = await createSite(t.server, t.owner);
    const create = (body: unknown, agent = t.owner) =>
      http<{ tag: Tag }>(t.server, 'POST', '/api/v1/tags', { agent, body });
    const vip = await create({ name: 'VIP', color: '#AA0000' });
    expect(vip).toMatchObject({
      status: 201,
      body: { tag: { name: 'VIP', siteId: null, color: '#aa0000' } },
    });
    const refund = await create({ name: 'Refund', siteId: site.id });
    const foreign = await create({ name: 'Foreign', siteId: other.id });
    expect((await create({ name: 'vip' })).status).toBe(409);
    expect((await create({ name: 'vip', siteId: site.id })).status).toBe(201);
    expect((await create({ name: 'Mine' }, alice)).status).toBe(403);
    expect((await create({ name: 'Bad', color: 'red' })).status).toBe(400);
    expect((await create({ name: 'Ghost', siteId: 'no-such-site' })).status).toBe(422);

    const seen = await http<{ tags: Tag[] }>(t.server, 'GET', '/api/v1/tags', { agent: alice });
    const names = seen.body.tags.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['VIP', 'Refund']));
    expect(names).not.toContain('Foreign');
    expect((await http(t.server, 'GET', `/api/v1/tags?siteId=${other.id}`, { agent: alice })).status).toBe(
      403,
    );

    const id = vip.body.tag.id;
    expect(
      (await http(t.server, 'PATCH', `/api/v1/tags/${id}`, { agent: alice, body: { name: 'X' } })).status,
    ).toBe(403);
    expect((await http(t.server, 'DELETE', `/api/v1/tags/${id}`, { agent: alice })).status).toBe(403);
    expect(
      await http(t.server, 'PATCH', `/api/v1/tags/${refund.body.tag.id}`, {
        agent: t.owner,
        body: { name: 'Refunds', color: '#00aa00' },
      }),
    ).toMatchObject({ status: 200, body: { tag: { name: 'Refunds', color: '#00aa00' } } });
    expect(
      (await http(t.server, 'PATCH', `/api/v1/tags/${foreign.body.tag.id}`, { agent: t.owner, body: {} }))
        .status,
    ).toBe(200);
  });

  it('go on and off conversations, filter the inbox, and reach agents only', async () => {
    const { site, alice } = await siteWithTeam();
    const other = await createSite(t.server, t.owner);
    const tag = await http<{ tag: Tag }>(t.server, 'POST', '/api/v1/tags', {
      agent: t.owner,
      body: { name: `Bug ${site.id.slice(0, 6)}`, siteId: site.id },
    });
    const foreignTag = await http<{ tag: Tag }>(t.server, 'POST', '/api/v1/tags', {
      agent: t.owner,
      body: { name: 'Other', siteId: other.id },
    });
    const chat = await startChat(t.server, { siteKey: site.key });
    const untagged = await startChat(t.server, { siteKey: site.key });
    const agentWs = await agentSocket(t.server, alice);
    await agentWs.next('welcome');
    const visitorWs = await visitorSocket(t.server, chat.token, { siteKey: site.key });
    await visitorWs.next('welcome');

    const add = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/tags`,
      { agent: alice, body: { tagId: tag.body.tag.id } },
    );
    expect(add.body.conversation.tagIds).toEqual([tag.body.tag.id]);
    const frame = await agentWs.next('conversation', (f) => f.reason === 'tagged');
    expect(frame.conversation).toMatchObject({ tagIds: [tag.body.tag.id] });
    // Adding it twice is harmless.
    expect(
      (
        await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/tags`, {
          agent: alice,
          body: { tagId: tag.body.tag.id },
        })
      ).status,
    ).toBe(200);
    expect(await inboxIds(t.server, alice, `tagId=${tag.body.tag.id}`)).toEqual([chat.conversationId]);
    expect(await inboxIds(t.server, alice, `siteId=${site.id}`)).toEqual(
      expect.arrayContaining([chat.conversationId, untagged.conversationId]),
    );
    expect(
      await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/tags`, {
        agent: alice,
        body: { tagId: foreignTag.body.tag.id },
      }),
    ).toMatchObject({ status: 422 });

    const removed = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'DELETE',
      `/api/v1/conversations/${chat.conversationId}/tags/${tag.body.tag.id}`,
      { agent: alice },
    );
    expect(removed.body.conversation.tagIds).toEqual([]);
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/tags`, {
      agent: alice,
      body: { tagId: tag.body.tag.id },
    });
    const tagged = (count: number) => (f: { reason?: string; conversation: { id: string } }) =>
      f.reason === 'tagged' &&
      f.conversation.id === chat.conversationId &&
      (f.conversation as ConversationForAgent).tagIds.length === count;
    await agentWs.next('conversation', tagged(0)); // the removal
    await agentWs.next('conversation', tagged(1)); // added again
    // Deleting the tag takes it off the conversation, live.
    await http(t.server, 'DELETE', `/api/v1/tags/${tag.body.tag.id}`, { agent: t.owner });
    await agentWs.next('conversation', tagged(0));
    expect((await getConversation(t.server, alice, chat.conversationId)).tagIds).toEqual([]);
    expect(visitorWs.all('conversation').filter((f) => f.reason === 'tagged')).toEqual([]);
    agentWs.close();
    visitorWs.close();
  });
});

describe('pending', () => {
  const post = (agent: Parameters<typeof getConversation>[1], id: string, path: 'pending' | 'open') =>
    http<{ conversation: ConversationForAgent }>(t.server, 'POST', `/api/v1/conversations/${id}/${path}`, {
      agent,
    });

  it('waits for the visitor out of the open view; the visitor writing makes it open again', async () => {
    const { site, alice } = await siteWithTeam();
    const chat = await startChat(t.server, { siteKey: site.key });
    const aliceWs = await agentSocket(t.server, alice);
    await aliceWs.next('welcome');
    const visitorWs = await visitorSocket(t.server, chat.token, { siteKey: site.key });
    await visitorWs.next('welcome');

    const r = await post(alice, chat.conversationId, 'pending');
    expect(r.status).toBe(200);
    expect(r.body.conversation.status).toBe('pending');
    expect(await aliceWs.next('conversation', (f) => f.reason === 'pending')).toMatchObject({
      conversation: { id: chat.conversationId, status: 'pending' },
    });
    expect(await inboxIds(t.server, alice, 'status=pending')).toContain(chat.conversationId);
    expect(await inboxIds(t.server, alice, 'status=open')).not.toContain(chat.conversationId);
    // Twice is the same as once.
    expect((await post(alice, chat.conversationId, 'pending')).body.conversation.status).toBe('pending');
    // The team's bookkeeping: the visitor's view stays open.
    const mine = await http<{ conversations: { id: string; status: string }[] }>(
      t.server,
      'GET',
      '/api/v1/visitor/conversations',
      { visitorToken: chat.token },
    );
    expect(mine.body.conversations.find((c) => c.id === chat.conversationId)?.status).toBe('open');

    const sent = await http(
      t.server,
      'POST',
      `/api/v1/visitor/conversations/${chat.conversationId}/messages`,
      {
        visitorToken: chat.token,
        body: { clientMsgId: uuid(), body: 'Order 1234' },
      },
    );
    expect(sent.status).toBe(201);
    expect(await aliceWs.next('conversation', (f) => f.reason === 'opened')).toMatchObject({
      conversation: { id: chat.conversationId, status: 'open' },
    });
    expect((await getConversation(t.server, alice, chat.conversationId)).status).toBe('open');
    expect(
      visitorWs.all('conversation').filter((f) => f.reason === 'pending' || f.reason === 'opened'),
    ).toEqual([]);

    // An agent may take it up again too; a closed one is refused; another site's agent finds nothing.
    await post(alice, chat.conversationId, 'pending');
    expect((await post(alice, chat.conversationId, 'open')).body.conversation.status).toBe('open');
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, { agent: alice });
    const closed = await post(alice, chat.conversationId, 'pending');
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ error: { code: 'conversation_closed' } });
    const elsewhere = await createSite(t.server, t.owner);
    const stranger = await createAgent(t.server, t.owner, { siteIds: [elsewhere.id] });
    expect((await post(stranger, chat.conversationId, 'open')).status).toBe(404);
    aliceWs.close();
    visitorWs.close();
  });
});
