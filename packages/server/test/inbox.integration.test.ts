/**
 * The inbox: views (unassigned / mine / my departments / all), statuses with snoozed, waiting
 * time and its order, filters by site, visitor and tag; snooze and its wake-up by the cluster's
 * job runner, with the conversation frames (and their reasons) each side receives.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationForAgent } from '@parley/protocol';
import { agentSocket, createAgent, createSite, http, visitorSocket, useTestServer } from './helpers';
import { agentReply, getConversation, inboxIds, pause, startChat } from './consoleHelpers';

// Jobs run every 200 ms here, so that a snooze wakes within a second of its time.
const t = useTestServer({ jobsTickMs: 100, jobsEveryMs: 200 });

async function siteWithTeam() {
  const site = await createSite(t.server, t.owner);
  const alice = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Alice' });
  const bob = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Bob' });
  return { site, alice, bob };
}

describe('inbox views, statuses and order', () => {
  it('lists by view and status, sorted by waiting time, paged by cursor', async () => {
    const { site, alice, bob } = await siteWithTeam();
    const dept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Billing', siteId: site.id, agentIds: [bob.agentId] },
    });
    const waitsLongest = await startChat(t.server, { siteKey: site.key });
    await pause(5);
    const answered = await startChat(t.server, { siteKey: site.key });
    await agentReply(t.server, alice, answered.conversationId);
    await pause(5);
    const inDept = await startChat(t.server, { siteKey: site.key });
    await http(t.server, 'POST', `/api/v1/conversations/${inDept.conversationId}/transfer`, {
      agent: alice,
      body: { departmentId: dept.body.department.id },
    });
    await pause(5);
    // Answered, then the visitor wrote again: waiting from that message, the newest wait.
    const waitsAgain = await startChat(t.server, { siteKey: site.key });
    await agentReply(t.server, alice, waitsAgain.conversationId);
    await pause(5);
    await http(t.server, 'POST', `/api/v1/visitor/conversations/${waitsAgain.conversationId}/messages`, {
      visitorToken: waitsAgain.token,
      body: { clientMsgId: crypto.randomUUID(), body: 'still there?' },
    });

    const q = `siteId=${site.id}&sort=waiting`;
    expect(await inboxIds(t.server, alice, q)).toEqual([
      waitsLongest.conversationId,
      inDept.conversationId,
      waitsAgain.conversationId,
      answered.conversationId,
    ]);
    expect(await inboxIds(t.server, alice, `${q}&view=unassigned`)).toEqual([
      waitsLongest.conversationId,
      inDept.conversationId,
    ]);
    expect(await inboxIds(t.server, alice, `${q}&view=mine`)).toEqual([
      waitsAgain.conversationId,
      answered.conversationId,
    ]);
    expect(await inboxIds(t.server, bob, `${q}&view=departments`)).toEqual([inDept.conversationId]);
    expect(await inboxIds(t.server, alice, `${q}&view=departments`)).toEqual([]);
    // A view and a contradicting assignee match nothing.
    expect(await inboxIds(t.server, alice, `${q}&view=unassigned&assignee=me`)).toEqual([]);

    const c = await getConversation(t.server, alice, answered.conversationId);
    expect(c).toMatchObject({ waitingSince: null, snoozedUntil: null, tagIds: [] });
    const w = await getConversation(t.server, alice, waitsAgain.conversationId);
    expect(Date.parse(w.waitingSince ?? '')).toBeGreaterThan(Date.parse(w.firstResponseAt ?? ''));

    // Pages of two, in the same order.
    const first = await http<{ conversations: ConversationForAgent[]; nextCursor: string }>(
      t.server,
      'GET',
      `/api/v1/conversations?${q}&limit=2`,
      { agent: alice },
    );
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await http<{ conversations: ConversationForAgent[]; nextCursor: string | null }>(
      t.server,
      'GET',
      `/api/v1/conversations?${q}&limit=2&before=${encodeURIComponent(first.body.nextCursor)}`,
      { agent: alice },
    );
    expect([...first.body.conversations, ...second.body.conversations].map((x) => x.id)).toEqual([
      waitsLongest.conversationId,
      inDept.conversationId,
      waitsAgain.conversationId,
      answered.conversationId,
    ]);

    // Closed: out of the open view, in the closed one; nobody waits on it.
    await http(t.server, 'POST', `/api/v1/conversations/${waitsLongest.conversationId}/close`, {
      agent: alice,
    });
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=open`)).not.toContain(
      waitsLongest.conversationId,
    );
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=closed`)).toEqual([
      waitsLongest.conversationId,
    ]);
    expect((await getConversation(t.server, alice, waitsLongest.conversationId)).waitingSince).toBeNull();
    // One visitor's conversations (the visitor panel's history).
    expect(await inboxIds(t.server, alice, `status=all&visitorId=${answered.visitorId}`)).toEqual([
      answered.conversationId,
    ]);
  });

  it('never lists another site’s conversations, whatever the filters', async () => {
    const { site, alice } = await siteWithTeam();
    const other = await createSite(t.server, t.owner);
    const foreign = await startChat(t.server, { siteKey: other.key });
    const own = await startChat(t.server, { siteKey: site.key });
    for (const q of [
      'status=all',
      `status=all&siteId=${other.id}`,
      `status=all&visitorId=${foreign.visitorId}`,
    ]) {
      const ids = await inboxIds(t.server, alice, q);
      expect(ids).not.toContain(foreign.conversationId);
    }
    expect(await inboxIds(t.server, alice, 'status=all')).toContain(own.conversationId);
    expect(await inboxIds(t.server, t.owner, `status=all&siteId=${other.id}`)).toEqual([
      foreign.conversationId,
    ]);
    const bad = await http(t.server, 'GET', '/api/v1/conversations?status=sleeping', { agent: alice });
    expect(bad.status).toBe(400);
    const badCursor = await http(t.server, 'GET', '/api/v1/conversations?before=nonsense', { agent: alice });
    expect(badCursor).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });
});

describe('snooze', () => {
  it('moves a conversation to the snoozed view, tells agents only, and the visitor writing wakes it', async () => {
    const { site, alice } = await siteWithTeam();
    const chat = await startChat(t.server, { siteKey: site.key });
    const agentWs = await agentSocket(t.server, alice);
    await agentWs.next('welcome');
    const visitorWs = await visitorSocket(t.server, chat.token, { siteKey: site.key });
    await visitorWs.next('welcome');

    const until = new Date(Date.now() + 3600_000).toISOString();
    const r = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/snooze`,
      { agent: alice, body: { until } },
    );
    expect(r.status).toBe(200);
    expect(r.body.conversation).toMatchObject({ status: 'open', snoozedUntil: until });
    const frame = await agentWs.next('conversation', (f) => f.reason === 'snoozed');
    expect(frame.conversation).toMatchObject({ id: chat.conversationId, snoozedUntil: until });
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=open`)).not.toContain(
      chat.conversationId,
    );
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=snoozed`)).toEqual([
      chat.conversationId,
    ]);
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=active`)).toEqual([chat.conversationId]);

    visitorWs.send({
      t: 'send',
      clientMsgId: crypto.randomUUID(),
      conversationId: chat.conversationId,
      body: 'hello?',
    });
    await visitorWs.next('ack');
    const woke = await agentWs.next('conversation', (f) => f.reason === 'unsnoozed');
    expect(woke.conversation).toMatchObject({ id: chat.conversationId, snoozedUntil: null });
    expect(await inboxIds(t.server, alice, `siteId=${site.id}&status=open`)).toEqual([chat.conversationId]);
    // The visitor never heard of the snooze.
    expect(
      visitorWs.all('conversation').filter((f) => f.reason === 'snoozed' || f.reason === 'unsnoozed'),
    ).toEqual([]);
    agentWs.close();
    visitorWs.close();
  });

  it('wakes by itself when its time comes (the job runner), and can be ended early', async () => {
    const { site, alice } = await siteWithTeam();
    const chat = await startChat(t.server, { siteKey: site.key });
    const agentWs = await agentSocket(t.server, alice);
    await agentWs.next('welcome');
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/snooze`, {
      agent: alice,
      body: { until: new Date(Date.now() + 800).toISOString() },
    });
    const woke = await agentWs.next('conversation', (f) => f.reason === 'unsnoozed', 10_000);
    expect(woke.conversation).toMatchObject({ id: chat.conversationId, snoozedUntil: null, status: 'open' });
    const lease = await t.server.ctx.db
      .selectFrom('job_leases')
      .selectAll()
      .where('name', '=', 'conversations.wake')
      .executeTakeFirstOrThrow();
    expect(lease.runs).toBeGreaterThan(0);

    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/snooze`, {
      agent: alice,
      body: { until: new Date(Date.now() + 3600_000).toISOString() },
    });
    const early = await http<{ conversation: ConversationForAgent }>(
      t.server,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/unsnooze`,
      { agent: alice },
    );
    expect(early.body.conversation.snoozedUntil).toBeNull();
    agentWs.close();
  });

  it('refuses a time in the past or too far ahead, a closed conversation, and others’ conversations', async () => {
    const { site, alice } = await siteWithTeam();
    const chat = await startChat(t.server, { siteKey: site.key });
    const snooze = (until: string, agent = alice, id = chat.conversationId) =>
      http(t.server, 'POST', `/api/v1/conversations/${id}/snooze`, { agent, body: { until } });
    expect(await snooze(new Date(Date.now() - 1000).toISOString())).toMatchObject({
      status: 422,
      body: { error: { code: 'validation_failed' } },
    });
    expect((await snooze(new Date(Date.now() + 400 * 86400_000).toISOString())).status).toBe(422);
    expect((await snooze('tomorrow')).status).toBe(400);
    const outsider = await createAgent(t.server, t.owner, { siteIds: [t.server.siteId] });
    expect((await snooze(new Date(Date.now() + 60_000).toISOString(), outsider)).status).toBe(404);
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, { agent: alice });
    expect(await snooze(new Date(Date.now() + 60_000).toISOString())).toMatchObject({
      status: 409,
      body: { error: { code: 'conversation_closed' } },
    });
    expect((await getConversation(t.server, alice, chat.conversationId)).snoozedUntil).toBeNull();
  });
});
