/**
 * Rights on the console's endpoints, in one place: without a session nothing answers; admin-only
 * endpoints refuse agents with 403 and change nothing; things of a site the agent does not work
 * on are 404, like things that do not exist.
 */
import { describe, expect, it } from 'vitest';
import { createAgent, createSite, http, uuid, useTestServer } from './helpers';
import { startChat } from './consoleHelpers';

const t = useTestServer();

describe('rights on the console endpoints', () => {
  it('refuses every one of them without a session', async () => {
    const until = new Date(Date.now() + 3600_000).toISOString();
    const calls: [string, string, unknown][] = [
      ['GET', '/api/v1/auth/sessions', undefined],
      ['DELETE', '/api/v1/auth/sessions/x', undefined],
      ['DELETE', '/api/v1/me/avatar', undefined],
      ['GET', '/api/v1/conversations?status=snoozed', undefined],
      ['POST', '/api/v1/conversations/x/snooze', { until }],
      ['POST', '/api/v1/conversations/x/unsnooze', undefined],
      ['POST', '/api/v1/conversations/x/transfer', { agentId: 'y' }],
      ['POST', '/api/v1/conversations/x/tags', { tagId: 'y' }],
      ['DELETE', '/api/v1/conversations/x/tags/y', undefined],
      ['GET', '/api/v1/tags', undefined],
      ['POST', '/api/v1/tags', { name: 'x' }],
      ['GET', '/api/v1/canned-responses', undefined],
      ['POST', '/api/v1/canned-responses', { shortcut: 'x', body: 'y' }],
      ['GET', '/api/v1/search?q=x', undefined],
      ['GET', '/api/v1/live-visitors', undefined],
      ['POST', '/api/v1/visitors/x/messages', { clientMsgId: uuid(), body: 'hi' }],
      ['GET', '/api/v1/invitations', undefined],
      ['POST', '/api/v1/invitations', { email: 'a@example.test' }],
      ['GET', '/api/v1/audit-log', undefined],
      ['GET', '/api/v1/visitors/x/export', undefined],
      ['DELETE', '/api/v1/visitors/x', undefined],
      ['PATCH', '/api/v1/departments/x', { name: 'x' }],
    ];
    for (const [method, path, body] of calls) {
      const r = await http(t.server, method, path, body === undefined ? {} : { body });
      expect(r.status, `${method} ${path}`).toBe(401);
    }
    const upload = await http(t.server, 'POST', '/api/v1/me/avatar', { rawBody: 'x' });
    expect(upload.status).toBe(401);
  });

  it('keeps admin-only endpoints from agents, changing nothing', async () => {
    const agent = await createAgent(t.server, t.owner);
    const chat = await startChat(t.server);
    const tag = await http<{ tag: { id: string } }>(t.server, 'POST', '/api/v1/tags', {
      agent: t.owner,
      body: { name: `admin-only-${uuid().slice(0, 6)}` },
    });
    const dept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Admins only' },
    });
    const invitation = await http<{ invitation: { id: string } }>(t.server, 'POST', '/api/v1/invitations', {
      agent: t.owner,
      body: { email: `x-${uuid().slice(0, 8)}@example.test`, sendEmail: false },
    });
    const calls: [string, string, unknown][] = [
      ['POST', '/api/v1/tags', { name: 'mine' }],
      ['PATCH', `/api/v1/tags/${tag.body.tag.id}`, { name: 'renamed' }],
      ['DELETE', `/api/v1/tags/${tag.body.tag.id}`, undefined],
      ['POST', '/api/v1/canned-responses', { shortcut: 'team', body: 'x', shared: true }],
      ['POST', '/api/v1/invitations', { email: 'someone@example.test' }],
      ['GET', '/api/v1/invitations', undefined],
      ['DELETE', `/api/v1/invitations/${invitation.body.invitation.id}`, undefined],
      ['PATCH', `/api/v1/departments/${dept.body.department.id}`, { name: 'renamed' }],
      ['DELETE', `/api/v1/departments/${dept.body.department.id}`, undefined],
      ['GET', '/api/v1/audit-log', undefined],
      ['GET', `/api/v1/visitors/${chat.visitorId}/export`, undefined],
      ['DELETE', `/api/v1/visitors/${chat.visitorId}`, undefined],
      ['PATCH', `/api/v1/sites/${t.server.siteId}`, { settings: { retentionDays: 1 } }],
    ];
    for (const [method, path, body] of calls) {
      const r = await http(t.server, method, path, { agent, ...(body !== undefined && { body }) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    const db = t.server.ctx.db;
    expect(
      await db.selectFrom('tags').select('name').where('id', '=', tag.body.tag.id).executeTakeFirst(),
    ).toBeDefined();
    expect(
      await db
        .selectFrom('departments')
        .select('name')
        .where('id', '=', dept.body.department.id)
        .executeTakeFirst(),
    ).toMatchObject({
      name: 'Admins only',
    });
    expect(
      await db.selectFrom('visitors').select('id').where('id', '=', chat.visitorId).executeTakeFirst(),
    ).toBeDefined();
    expect(
      await db
        .selectFrom('invitations')
        .select('revoked_at')
        .where('id', '=', invitation.body.invitation.id)
        .executeTakeFirst(),
    ).toEqual({ revoked_at: null });
  });

  it('answers 404 for another site’s conversations and visitors, whatever the action', async () => {
    const other = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [t.server.siteId] });
    const foreign = await startChat(t.server, { siteKey: other.key });
    const until = new Date(Date.now() + 3600_000).toISOString();
    const calls: [string, string, unknown][] = [
      ['GET', `/api/v1/conversations/${foreign.conversationId}`, undefined],
      ['POST', `/api/v1/conversations/${foreign.conversationId}/snooze`, { until }],
      ['POST', `/api/v1/conversations/${foreign.conversationId}/unsnooze`, undefined],
      ['POST', `/api/v1/conversations/${foreign.conversationId}/transfer`, { agentId: agent.agentId }],
      ['POST', `/api/v1/conversations/${foreign.conversationId}/tags`, { tagId: 'x' }],
      ['DELETE', `/api/v1/conversations/${foreign.conversationId}/tags/x`, undefined],
      ['GET', `/api/v1/visitors/${foreign.visitorId}`, undefined],
      ['POST', `/api/v1/visitors/${foreign.visitorId}/messages`, { clientMsgId: uuid(), body: 'hi' }],
    ];
    for (const [method, path, body] of calls) {
      const r = await http(t.server, method, path, { agent, ...(body !== undefined && { body }) });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    const conv = await t.server.ctx.db
      .selectFrom('conversations')
      .select(['snoozed_until', 'assignee_id', 'last_seq'])
      .where('id', '=', foreign.conversationId)
      .executeTakeFirstOrThrow();
    expect(conv).toEqual({ snoozed_until: null, assignee_id: null, last_seq: 1 });
  });
});
