/**
 * Data protection: a visitor's data exported (what it could see, never notes) and erased with
 * everything it left, and closed conversations deleted after the site's retention period by the
 * scheduled job — each audit-logged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, SearchHit, VisitorExport } from '@parley/protocol';
import { agentSocket, createAgent, createSite, http, uuid, visitorSocket, useTestServer } from './helpers';
import { agentReply, pause, startChat } from './consoleHelpers';

const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-privacy-'));
// Jobs every 300 ms: retention runs within a second of being due.
const t = useTestServer({ filesDir, jobsTickMs: 100, jobsEveryMs: 300 });

const stored = (fileId: string) => fs.existsSync(path.join(filesDir, fileId));

/** A visitor with a page, an event, a name, and a conversation with a file, a reply and a note. */
async function busyVisitor(siteKey: string, word: string) {
  const session = await http<{ token: string; visitor: { id: string } }>(
    t.server,
    'POST',
    '/api/v1/visitor/session',
    {
      body: { siteKey, pageUrl: 'https://shop.example/cart' },
    },
  );
  const token = session.body.token;
  await http(t.server, 'POST', '/api/v1/visitor/events', {
    visitorToken: token,
    body: { name: 'checkout', data: { total: 42 } },
  });
  await http(t.server, 'POST', '/api/v1/visitor/prechat', {
    visitorToken: token,
    body: { fields: { name: `Erin ${word}`, email: `${word}@example.org` } },
  });
  const upload = await http<{ file: { id: string } }>(
    t.server,
    'POST',
    '/api/v1/visitor/files?name=receipt.txt',
    {
      visitorToken: token,
      headers: { 'content-type': 'text/plain' },
      rawBody: `receipt for ${word}`,
    },
  );
  const conv = await http<{ conversation: { id: string } }>(
    t.server,
    'POST',
    '/api/v1/visitor/conversations',
    {
      visitorToken: token,
    },
  );
  const conversationId = conv.body.conversation.id;
  await http(t.server, 'POST', `/api/v1/visitor/conversations/${conversationId}/messages`, {
    visitorToken: token,
    body: { clientMsgId: uuid(), body: `my ${word} order`, attachmentIds: [upload.body.file.id] },
  });
  return { token, visitorId: session.body.visitor.id, conversationId, fileId: upload.body.file.id };
}

async function auditEntries(action: string): Promise<AuditEntry[]> {
  const r = await http<{ entries: AuditEntry[] }>(t.server, 'GET', '/api/v1/audit-log?limit=200', {
    agent: t.owner,
  });
  return r.body.entries.filter((e) => e.action === action);
}

describe('visitor data export', () => {
  it('gives admins everything stored about a visitor, without the team’s notes', async () => {
    const agent = await createAgent(t.server, t.owner);
    const v = await busyVisitor(t.server.siteKey, 'export');
    await agentReply(t.server, t.owner, v.conversationId, 'We will ship it today.');
    await agentReply(t.server, t.owner, v.conversationId, 'internal: customer is grumpy', { private: true });

    const r = await http<VisitorExport>(t.server, 'GET', `/api/v1/visitors/${v.visitorId}/export`, {
      agent: t.owner,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="visitor-${v.visitorId}.json"`);
    expect(r.body.visitor).toMatchObject({
      id: v.visitorId,
      name: 'Erin export',
      email: 'export@example.org',
    });
    expect(r.body.pageViews.map((p) => p.url)).toEqual(['https://shop.example/cart']);
    expect(r.body.events).toEqual([
      { name: 'checkout', data: { total: 42 }, at: expect.any(String) as string },
    ]);
    expect(r.body.conversations).toHaveLength(1);
    const bodies = r.body.conversations[0]?.messages.map((m) => m.body);
    expect(bodies).toEqual(['my export order', 'We will ship it today.']);
    expect(JSON.stringify(r.body)).not.toContain('grumpy');
    expect(r.body.conversations[0]?.messages[0]?.attachments.map((a) => a.name)).toEqual(['receipt.txt']);
    expect((await auditEntries('visitor.exported')).map((e) => e.targetId)).toContain(v.visitorId);

    expect((await http(t.server, 'GET', `/api/v1/visitors/${v.visitorId}/export`, { agent })).status).toBe(
      403,
    );
    expect((await http(t.server, 'GET', '/api/v1/visitors/nobody/export', { agent: t.owner })).status).toBe(
      404,
    );
  });
});

describe('visitor erasure', () => {
  it('removes the visitor and everything it left, closes its widget, and keeps only an audit entry', async () => {
    const agent = await createAgent(t.server, t.owner);
    const word = `erase${Date.now()}`;
    const v = await busyVisitor(t.server.siteKey, word);
    await agentReply(t.server, t.owner, v.conversationId, 'Noted.');
    const ws = await visitorSocket(t.server, v.token);
    await ws.next('welcome');
    // Consoles drop the erased conversations live: this site's agents, and nobody else.
    const consoleWs = await agentSocket(t.server, t.owner);
    await consoleWs.next('welcome');
    const elsewhere = await createSite(t.server, t.owner);
    const stranger = await agentSocket(
      t.server,
      await createAgent(t.server, t.owner, { siteIds: [elsewhere.id] }),
    );
    await stranger.next('welcome');
    expect(stored(v.fileId)).toBe(true);
    const before = await http<{ results: SearchHit[] }>(t.server, 'GET', `/api/v1/search?q=${word}`, {
      agent: t.owner,
    });
    expect(before.body.results.length).toBe(2); // the message and the visitor's name

    expect((await http(t.server, 'DELETE', `/api/v1/visitors/${v.visitorId}`, { agent })).status).toBe(403);
    const r = await http(t.server, 'DELETE', `/api/v1/visitors/${v.visitorId}`, { agent: t.owner });
    expect(r).toMatchObject({
      status: 200,
      body: { ok: true, erased: { conversations: 1, messages: 2, files: 1, pageViews: 1, events: 1 } },
    });
    expect(await ws.next('bye')).toMatchObject({ reason: 'session_revoked', reconnect: false });
    await ws.closed();
    expect(await consoleWs.next('conversations_removed')).toEqual({
      t: 'conversations_removed',
      conversationIds: [v.conversationId],
      reason: 'erased',
    });
    // A round trip on the stranger's socket: had the frame been sent to it, it would be there by now.
    stranger.send({ t: 'ping', ref: 'p1' });
    await stranger.next('pong');
    expect(stranger.all('conversations_removed')).toEqual([]);
    consoleWs.close();
    stranger.close();

    const db = t.server.ctx.db;
    const left = await Promise.all([
      db.selectFrom('visitors').select('id').where('id', '=', v.visitorId).execute(),
      db.selectFrom('conversations').select('id').where('visitor_id', '=', v.visitorId).execute(),
      db.selectFrom('messages').select('id').where('conversation_id', '=', v.conversationId).execute(),
      db.selectFrom('files').select('id').where('id', '=', v.fileId).execute(),
      db.selectFrom('page_views').select('id').where('visitor_id', '=', v.visitorId).execute(),
      db.selectFrom('visitor_events').select('id').where('visitor_id', '=', v.visitorId).execute(),
      db.selectFrom('visitor_tokens').select('token_hash').where('visitor_id', '=', v.visitorId).execute(),
    ]);
    expect(left.map((rows) => rows.length)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(stored(v.fileId)).toBe(false);
    const after = await http<{ results: SearchHit[] }>(t.server, 'GET', `/api/v1/search?q=${word}`, {
      agent: t.owner,
    });
    expect(after.body.results).toEqual([]);
    expect((await http(t.server, 'GET', `/api/v1/visitors/${v.visitorId}`, { agent: t.owner })).status).toBe(
      404,
    );
    expect(
      (await http(t.server, 'GET', '/api/v1/visitor/conversations', { visitorToken: v.token })).status,
    ).toBe(401);

    const entry = (await auditEntries('visitor.erased')).find((e) => e.targetId === v.visitorId);
    expect(entry).toMatchObject({ actor: { id: t.owner.agentId }, details: { conversations: 1, files: 1 } });
    expect(JSON.stringify(entry)).not.toContain(word);
    expect(
      (await http(t.server, 'DELETE', `/api/v1/visitors/${v.visitorId}`, { agent: t.owner })).status,
    ).toBe(404);
  });
});

describe('retention', () => {
  it('deletes closed conversations older than the site’s period, with their messages and files', async () => {
    const site = await createSite(t.server, t.owner);
    const keep = await createSite(t.server, t.owner);
    const set = (siteId: string, retentionDays: unknown) =>
      http(t.server, 'PATCH', `/api/v1/sites/${siteId}`, {
        agent: t.owner,
        body: { settings: { retentionDays } },
      });
    expect((await set(site.id, 0)).status).toBe(422);
    expect((await set(site.id, '30')).status).toBe(422);
    expect((await set(site.id, 30)).status).toBe(200);

    const consoleWs = await agentSocket(t.server, t.owner);
    await consoleWs.next('welcome');
    const old = await busyVisitor(site.key, 'retained');
    const recent = await startChat(t.server, { siteKey: site.key });
    const openOld = await startChat(t.server, { siteKey: site.key });
    const otherSite = await startChat(t.server, { siteKey: keep.key });
    for (const id of [old.conversationId, recent.conversationId, otherSite.conversationId])
      await http(t.server, 'POST', `/api/v1/conversations/${id}/close`, { agent: t.owner });
    const day = 24 * 3600_000;
    const age = (id: string, days: number) =>
      t.server.ctx.db
        .updateTable('conversations')
        .set({ closed_at: Date.now() - days * day, created_at: Date.now() - (days + 1) * day })
        .where('id', '=', id)
        .execute();
    await age(old.conversationId, 31);
    await age(recent.conversationId, 10);
    await age(otherSite.conversationId, 400);
    await t.server.ctx.db
      .updateTable('conversations')
      .set({ created_at: Date.now() - 100 * day })
      .where('id', '=', openOld.conversationId)
      .execute();

    const remaining = async () =>
      (
        await t.server.ctx.db
          .selectFrom('conversations')
          .select('id')
          .where('site_id', 'in', [site.id, keep.id])
          .execute()
      ).map((r) => r.id);
    // The purge ends for a site with its audit entry, written after the rows are gone and the bytes
    // removed (the rows vanish at the commit, before the files: waiting for them alone races).
    const purged = async () => (await auditEntries('retention.purged')).find((e) => e.siteId === site.id);
    for (let i = 0; i < 100 && (await purged()) === undefined; i++) await pause(100);
    expect((await remaining()).sort()).toEqual(
      [recent.conversationId, openOld.conversationId, otherSite.conversationId].sort(),
    );
    expect(
      await t.server.ctx.db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', old.conversationId)
        .execute(),
    ).toEqual([]);
    expect(stored(old.fileId)).toBe(false);
    expect(await consoleWs.next('conversations_removed')).toEqual({
      t: 'conversations_removed',
      conversationIds: [old.conversationId],
      reason: 'retention',
    });
    consoleWs.close();
    // The visitor itself stays (only conversations have a retention period).
    expect(
      (await http(t.server, 'GET', `/api/v1/visitors/${old.visitorId}`, { agent: t.owner })).status,
    ).toBe(200);
    expect(await purged()).toMatchObject({
      actor: { kind: 'system' },
      details: { retentionDays: 30, conversations: 1, files: 1 },
    });
    // Turning it off keeps everything from then on.
    expect((await set(site.id, null)).status).toBe(200);
    await age(recent.conversationId, 1000);
    await pause(1000);
    expect(await remaining()).toContain(recent.conversationId);
  });
});
