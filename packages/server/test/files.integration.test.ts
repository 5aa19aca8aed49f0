import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryStorage, ParleyClient, uploadFile } from '@parley/client';
import type { Attachment, Message } from '@parley/protocol';
import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  http,
  uuid,
  visitorSocket,
  type AgentSession,
  useTestServer,
} from './helpers';

const t = useTestServer();

// The smallest valid PNG: 1×1, one transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

async function upload(
  path: string,
  bytes: Buffer,
  auth: { visitorToken?: string; agent?: AgentSession },
  contentType = 'application/octet-stream',
) {
  return http<{ file: Attachment }>(t.server, 'POST', path, {
    ...auth,
    rawBody: new Uint8Array(bytes),
    headers: { 'content-type': contentType },
  });
}

describe('files', () => {
  it('a visitor uploads an image and sends it; the agent receives the attachment and can download it', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const up = await upload(
      '/api/v1/visitor/files?name=' + encodeURIComponent('../../etc/screen shot "1".png'),
      PNG,
      { visitorToken: v.token },
      'text/html',
    );
    expect(up.status).toBe(201);
    // The type comes from the bytes, not from the header; the name loses its path and quotes.
    expect(up.body.file).toMatchObject({
      name: 'screen shot 1.png',
      contentType: 'image/png',
      size: PNG.length,
    });

    const agent = await agentSocket(t.server, t.owner);
    await agent.next('welcome');
    const vws = await visitorSocket(t.server, v.token);
    await vws.next('welcome');
    const id = uuid();
    vws.send({ t: 'send', clientMsgId: id, body: '', attachmentIds: [up.body.file.id] });
    const ack = await vws.next('ack');
    const msg = await agent.next('msg', (m) => m.clientMsgId === id);
    expect(msg.attachments).toEqual([up.body.file]);
    const conv = await http<{ conversation: { lastMessagePreview: string } }>(
      t.server,
      'GET',
      `/api/v1/conversations/${ack.conversationId}`,
      { agent: t.owner },
    );
    expect(conv.body.conversation.lastMessagePreview).toBe('📎 screen shot 1.png');

    const dl = await fetch(t.server.url + up.body.file.url);
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(PNG);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('content-disposition')).toMatch(/^inline; filename="screen shot 1.png"/);
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(dl.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    // The same file cannot be sent twice, and a resend of the same message is still a duplicate.
    vws.send({ t: 'send', clientMsgId: id, body: '', attachmentIds: [up.body.file.id] });
    expect(await vws.next('ack', (a) => a.duplicate)).toMatchObject({ seq: ack.seq });
    const again = uuid();
    vws.send({ t: 'send', clientMsgId: again, body: 'again', attachmentIds: [up.body.file.id] });
    expect(await vws.next('error', (e) => e.ref === again)).toMatchObject({ code: 'not_found' });
    vws.close();
    agent.close();
  });

  it('non-images download as attachments; a wrong token is a 404', async () => {
    const up = await upload(`/api/v1/files?name=invoice.pdf&siteId=${t.server.siteId}`, PDF, {
      agent: t.owner,
    });
    expect(up.body.file.contentType).toBe('application/pdf');
    const dl = await fetch(t.server.url + up.body.file.url);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    const wrong = await fetch(`${t.server.url}/files/${up.body.file.id}/not-the-token/invoice.pdf`);
    expect(wrong.status).toBe(404);
  });

  it('refuses executables, empty and oversized files, and uploads without credentials', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    expect(
      await upload('/api/v1/visitor/files?name=setup.exe', EXE, { visitorToken: v.token }),
    ).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    expect(
      (await upload('/api/v1/visitor/files?name=x.txt', Buffer.alloc(0), { visitorToken: v.token })).status,
    ).toBe(400);
    const big = await upload('/api/v1/visitor/files?name=big.txt', Buffer.alloc(1024 * 1024 + 1, 0x61), {
      visitorToken: v.token,
    });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect((await upload('/api/v1/visitor/files?name=x.png', PNG, {})).status).toBe(401);
    expect((await upload('/api/v1/files?name=x.png', PNG, { agent: t.owner })).status).toBe(400);
    const text = await upload('/api/v1/visitor/files?name=notes.txt', Buffer.from('plain text, ünïcode'), {
      visitorToken: v.token,
    });
    expect(text.body.file.contentType).toBe('text/plain; charset=utf-8');
    const rows = await t.server.ctx.db.selectFrom('files').select('name').execute();
    expect(rows.map((r) => r.name)).not.toContain('setup.exe');
  });

  it('nobody can attach a file they did not upload, or one from another site', async () => {
    const alice = await createVisitor(t.server, t.server.siteKey);
    const mallory = await createVisitor(t.server, t.server.siteKey);
    const aliceFile = await upload('/api/v1/visitor/files?name=a.png', PNG, { visitorToken: alice.token });
    const m = await visitorSocket(t.server, mallory.token);
    await m.next('welcome');
    const id = uuid();
    m.send({ t: 'send', clientMsgId: id, body: 'look', attachmentIds: [aliceFile.body.file.id] });
    expect(await m.next('error', (e) => e.ref === id)).toMatchObject({ code: 'not_found' });
    m.close();

    const other = await createSite(t.server, t.owner);
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    expect(
      (await upload(`/api/v1/files?name=x.png&siteId=${t.server.siteId}`, PNG, { agent: outsider })).status,
    ).toBe(403);
    const otherFile = await upload(`/api/v1/files?name=x.png&siteId=${other.id}`, PNG, { agent: t.owner });
    const conv = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      { visitorToken: alice.token },
    );
    const send = await http(t.server, 'POST', `/api/v1/conversations/${conv.body.conversation.id}/messages`, {
      agent: t.owner,
      body: { clientMsgId: uuid(), body: 'wrong site', attachmentIds: [otherFile.body.file.id] },
    });
    expect(send).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const stored = await t.server.ctx.db
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', conv.body.conversation.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it('attachments of private notes never reach the visitor', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const conv = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      { visitorToken: v.token },
    );
    const f = await upload(`/api/v1/files?name=internal.pdf&siteId=${t.server.siteId}`, PDF, {
      agent: t.owner,
    });
    const note = await http(t.server, 'POST', `/api/v1/conversations/${conv.body.conversation.id}/messages`, {
      agent: t.owner,
      body: { clientMsgId: uuid(), attachmentIds: [f.body.file.id], private: true },
    });
    expect(note.status).toBe(201);
    const seen = await http<{ messages: Message[] }>(
      t.server,
      'GET',
      `/api/v1/visitor/conversations/${conv.body.conversation.id}/messages`,
      { visitorToken: v.token },
    );
    expect(JSON.stringify(seen.body)).not.toContain('internal.pdf');
  });

  it('the client library uploads and sends attachments, and keeps them in its outbox', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const file = await uploadFile(
      t.server.url,
      { role: 'visitor', token: v.token },
      new Uint8Array(PNG),
      'photo.png',
    );
    expect(file).toMatchObject({ name: 'photo.png', contentType: 'image/png' });
    const storage = new MemoryStorage();
    const client = new ParleyClient({
      url: t.server.wsUrl,
      WebSocketImpl: WebSocket,
      auth: { role: 'visitor', siteKey: t.server.siteKey, token: v.token },
      persist: { storage, key: 'outbox' },
    });
    // Written before connecting: it waits in the outbox with its attachment, then goes out.
    const handle = client.send('', { attachmentIds: [file.id] });
    expect(client.pending()[0]?.attachmentIds).toEqual([file.id]);
    client.connect();
    const ack = await handle.acked;
    const stored = await t.server.ctx.db
      .selectFrom('messages')
      .select('attachments')
      .where('id', '=', ack.messageId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.attachments)).toEqual([file]);
    client.close();

    const agentFile = await uploadFile(
      t.server.url,
      { role: 'agent', siteId: t.server.siteId, csrfToken: t.owner.csrfToken, cookie: t.owner.cookie },
      new Uint8Array(PDF),
      'terms.pdf',
    );
    expect(agentFile.contentType).toBe('application/pdf');
  });
});
