/**
 * Team management: invitations (one-time links, e-mailed through a real SMTP server on loopback,
 * revocable, expiring; accepting creates the agent and signs it in) and departments' membership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, AuditEntry, Department, Invitation } from '@parley/protocol';
import {
  createAgent,
  createSite,
  http,
  login,
  startTestServer,
  type AgentSession,
  type TestServer,
} from './helpers';
import { startTestSmtp, type TestSmtp } from './smtp';
import { inboxIds, startChat } from './consoleHelpers';

let smtp: TestSmtp;
let server: TestServer;
let owner: AgentSession;

beforeAll(async () => {
  smtp = await startTestSmtp();
  server = await startTestServer({ smtpUrl: smtp.url, mailFrom: 'Parley <parley@support.example>' });
  owner = await login(server, server.ownerEmail, server.ownerPassword);
});
afterAll(async () => {
  await server.stop();
  await smtp.close();
});

interface Created {
  invitation: Invitation;
  token: string;
  url: string;
  emailed: boolean;
  emailError: string | null;
}

let n = 0;
const address = () => `invitee-${++n}-${Date.now()}@example.test`;

const invite = (agent: AgentSession, body: Record<string, unknown>) =>
  http<Created>(server, 'POST', '/api/v1/invitations', { agent, body });
const preview = (token: string) =>
  http<{ email: string; role: string }>(server, 'POST', '/api/v1/invitations/preview', { body: { token } });
const accept = (token: string, name = 'New Person', password = 'a long enough password') =>
  fetch(`${server.url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name, password }),
  });

describe('invitations', () => {
  it('an e-mailed one-time link creates the agent with its role and sites, signed in', async () => {
    const site = await createSite(server, owner);
    const email = address();
    const before = smtp.mails.length;
    const r = await invite(owner, { email: email.toUpperCase(), role: 'admin', siteIds: [site.id] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      emailed: true,
      emailError: null,
      invitation: { email, role: 'admin', status: 'pending', siteIds: [site.id] },
    });
    expect(r.body.url).toBe(`${server.url}/console/#/invite/${r.body.token}`);
    expect(smtp.mails).toHaveLength(before + 1);
    const mail = smtp.mails.at(-1);
    expect(mail?.to).toEqual([email]);
    expect(mail?.text).toContain(r.body.url);
    expect(mail?.headers.get('subject')).toContain('invited you to Parley');
    // Only a hash of the token is stored.
    const stored = await server.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', r.body.invitation.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(r.body.token);

    const seen = await preview(r.body.token);
    expect(seen).toMatchObject({ status: 200, body: { email, role: 'admin' } });
    expect(typeof (seen.body as { invitedByName?: unknown }).invitedByName).toBe('string');
    const res = await accept(r.body.token, 'Nora New');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: Agent; csrfToken: string };
    expect(body.agent).toMatchObject({
      email,
      name: 'Nora New',
      role: 'admin',
      siteIds: [site.id],
      mustChangePassword: false,
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const session = { cookie, csrfToken: body.csrfToken, agentId: body.agent.id };
    expect((await http(server, 'GET', '/api/v1/auth/session', { agent: session })).status).toBe(200);
    // The chosen password works from now on.
    await login(server, email, 'a long enough password');

    expect((await accept(r.body.token)).status).toBe(404);
    expect((await preview(r.body.token)).status).toBe(404);
    const list = await http<{ invitations: Invitation[] }>(server, 'GET', '/api/v1/invitations', {
      agent: owner,
    });
    expect(list.body.invitations.find((i) => i.id === r.body.invitation.id)).toMatchObject({
      status: 'accepted',
      agentId: body.agent.id,
    });
  });

  it('can be revoked, expires, and is replaced by a newer invitation for the same address', async () => {
    const revoked = await invite(owner, { email: address(), sendEmail: false });
    expect(revoked.body).toMatchObject({ emailed: false, emailError: null });
    expect(
      (await http(server, 'DELETE', `/api/v1/invitations/${revoked.body.invitation.id}`, { agent: owner }))
        .status,
    ).toBe(200);
    expect((await preview(revoked.body.token)).status).toBe(404);
    expect((await accept(revoked.body.token)).status).toBe(404);
    expect(
      (await http(server, 'DELETE', `/api/v1/invitations/${revoked.body.invitation.id}`, { agent: owner }))
        .status,
    ).toBe(409);

    const expiring = await invite(owner, { email: address(), expiresInDays: 1, sendEmail: false });
    await server.ctx.db
      .updateTable('invitations')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', expiring.body.invitation.id)
      .execute();
    expect((await accept(expiring.body.token)).status).toBe(404);

    const email = address();
    const first = await invite(owner, { email, sendEmail: false });
    const second = await invite(owner, { email, sendEmail: false });
    expect((await preview(first.body.token)).status).toBe(404);
    expect((await preview(second.body.token)).status).toBe(200);

    const list = await http<{ invitations: Invitation[] }>(server, 'GET', '/api/v1/invitations', {
      agent: owner,
    });
    const status = new Map(list.body.invitations.map((i) => [i.id, i.status]));
    expect(status.get(revoked.body.invitation.id)).toBe('revoked');
    expect(status.get(expiring.body.invitation.id)).toBe('expired');
    expect(status.get(first.body.invitation.id)).toBe('revoked');
    expect(list.body.invitations[0]?.status).toBe('pending');
  });

  it('reports mail that could not be sent, and still returns a working link', async () => {
    smtp.rejectRecipients = true;
    try {
      const r = await invite(owner, { email: address() });
      expect(r.body).toMatchObject({ emailed: false, emailError: 'mail_failed' });
      expect((await preview(r.body.token)).status).toBe(200);
    } finally {
      smtp.rejectRecipients = false;
    }
    const plain = await startTestServer();
    try {
      const o = await login(plain, plain.ownerEmail, plain.ownerPassword);
      const r = await http<Created>(plain, 'POST', '/api/v1/invitations', {
        agent: o,
        body: { email: address() },
      });
      expect(r.body).toMatchObject({ emailed: false, emailError: 'mail_not_configured' });
    } finally {
      await plain.stop();
    }
  });

  it('is for admins only; owners alone invite owners; known addresses and bad input are refused', async () => {
    const agent = await createAgent(server, owner);
    const admin = await createAgent(server, owner, { role: 'admin' });
    expect((await invite(agent, { email: address() })).status).toBe(403);
    expect((await http(server, 'GET', '/api/v1/invitations', { agent })).status).toBe(403);
    const someone = await invite(admin, { email: address(), sendEmail: false });
    expect(someone.status).toBe(201);
    expect(
      (await http(server, 'DELETE', `/api/v1/invitations/${someone.body.invitation.id}`, { agent })).status,
    ).toBe(403);
    expect((await invite(admin, { email: address(), role: 'owner' })).status).toBe(403);
    expect((await invite(owner, { email: address(), role: 'owner', sendEmail: false })).status).toBe(201);
    expect(await invite(owner, { email: agent.email })).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict' } },
    });
    expect((await invite(owner, { email: address(), siteIds: ['nope'] })).status).toBe(422);
    expect((await invite(owner, { email: 'not an address' })).status).toBe(400);
    expect((await invite(owner, { email: address(), expiresInDays: 90 })).status).toBe(400);
    const pending = await invite(owner, { email: address(), sendEmail: false });
    expect((await accept(pending.body.token, 'X', 'short')).status).toBe(400);
    expect((await accept('pi_made_up')).status).toBe(404);
    // Someone took the address meanwhile: accepting cannot create a second agent with it.
    const taken = address();
    const late = await invite(owner, { email: taken, sendEmail: false });
    await http(server, 'POST', '/api/v1/agents', {
      agent: owner,
      body: { email: taken, name: 'Direct', password: 'correct horse battery' },
    });
    expect((await accept(late.body.token)).status).toBe(409);
    expect((await preview(late.body.token)).status).toBe(200);
  });

  it('leaves entries in the audit log, readable by admins', async () => {
    const agent = await createAgent(server, owner);
    const r = await invite(owner, { email: address(), sendEmail: false });
    await accept(r.body.token);
    const log = await http<{ entries: AuditEntry[]; nextCursor: number | null }>(
      server,
      'GET',
      '/api/v1/audit-log?limit=5',
      {
        agent: owner,
      },
    );
    expect(log.body.entries.slice(0, 2).map((e) => e.action)).toEqual([
      'invitation.accepted',
      'invitation.created',
    ]);
    expect(log.body.entries[1]).toMatchObject({
      actor: { kind: 'agent', id: owner.agentId },
      targetId: r.body.invitation.id,
    });
    expect(JSON.stringify(log.body.entries[1]?.details)).not.toContain('@');
    expect((await http(server, 'GET', '/api/v1/audit-log', { agent })).status).toBe(403);
  });
});

describe('departments', () => {
  it('admins rename them and change their members; deleting keeps the conversations', async () => {
    const site = await createSite(server, owner);
    const a = await createAgent(server, owner, { siteIds: [site.id] });
    const b = await createAgent(server, owner, { siteIds: [site.id] });
    const created = await http<{ department: Department }>(server, 'POST', '/api/v1/departments', {
      agent: owner,
      body: { name: 'Billing', siteId: site.id, agentIds: [a.agentId] },
    });
    const id = created.body.department.id;
    const chat = await startChat(server, { siteKey: site.key });
    await http(server, 'POST', `/api/v1/conversations/${chat.conversationId}/transfer`, {
      agent: a,
      body: { departmentId: id },
    });
    expect(await inboxIds(server, b, 'view=departments')).toEqual([]);
    const changed = await http<{ department: Department }>(server, 'PATCH', `/api/v1/departments/${id}`, {
      agent: owner,
      body: { name: 'Billing & refunds', agentIds: [b.agentId, b.agentId] },
    });
    expect(changed.body.department).toMatchObject({ name: 'Billing & refunds', agentIds: [b.agentId] });
    expect(await inboxIds(server, b, 'view=departments')).toEqual([chat.conversationId]);
    expect(
      (await http(server, 'PATCH', `/api/v1/departments/${id}`, { agent: a, body: { name: 'x' } })).status,
    ).toBe(403);
    expect(
      (
        await http(server, 'PATCH', `/api/v1/departments/${id}`, {
          agent: owner,
          body: { agentIds: ['ghost'] },
        })
      ).status,
    ).toBe(422);
    expect((await http(server, 'DELETE', `/api/v1/departments/${id}`, { agent: a })).status).toBe(403);
    expect((await http(server, 'DELETE', `/api/v1/departments/${id}`, { agent: owner })).status).toBe(200);
    expect((await http(server, 'DELETE', `/api/v1/departments/${id}`, { agent: owner })).status).toBe(404);
    const conv = await http<{ conversation: { departmentId: string | null } }>(
      server,
      'GET',
      `/api/v1/conversations/${chat.conversationId}`,
      { agent: b },
    );
    expect(conv.body.conversation.departmentId).toBeNull();
  });
});
