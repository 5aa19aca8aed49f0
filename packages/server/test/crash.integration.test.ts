import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryStorage, ParleyClient, type SocketLike, type WebSocketConstructor } from '@parley/client';
import type { Message } from '@parley/protocol';
import { createTestDatabase, type TestDatabase } from './testDb';
import { createVisitor, http, login } from './helpers';
import { freePort, kill, startServerProcess, type ServerProcess } from './processes';

let db: TestDatabase;
let port: number;
let proc: ServerProcess | null = null;
const env = () => ({ DATABASE_URL: db.url, PORT: String(port), PARLEY_SEND_RATE: '1000' });

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  proc = await startServerProcess(env());
});
afterAll(async () => {
  if (proc) await kill(proc, 'SIGKILL');
  await db.drop();
});

/**
 * A `ws` socket whose inbound frames can be lost on purpose: with `deaf` on, acks and messages the
 * server sent never reach the client — exactly what a connection dying in transit does.
 */
const lossy = { deaf: false, transmissions: new Map<string, number>() };
class LossyWebSocket implements SocketLike {
  private readonly inner: WebSocket;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;

  constructor(url: string) {
    this.inner = new WebSocket(url);
    this.inner.onopen = (e) => this.onopen?.(e);
    this.inner.onmessage = (e) => {
      if (!lossy.deaf) this.onmessage?.(e);
    };
    this.inner.onclose = (e) => this.onclose?.(e);
    this.inner.onerror = (e) => this.onerror?.(e);
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    const id = /"clientMsgId":"([^"]+)"/.exec(data)?.[1];
    if (id) lossy.transmissions.set(id, (lossy.transmissions.get(id) ?? 0) + 1);
    this.inner.send(data);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the server is killed with SIGKILL while two clients exchange messages', () => {
  it('both clients reconnect, resend their outboxes, and end with exactly the database log', async () => {
    if (!proc) throw new Error('server not started');
    const base = { url: proc.url };
    const email = /Owner: +(\S+)/.exec(proc.banner)?.[1] ?? '';
    const oneTime = /Password: +(\S+)/.exec(proc.banner)?.[1] ?? '';
    const siteKey = /demo\?site=(\S+)/.exec(proc.banner)?.[1] ?? '';
    const first = await login(base, email, oneTime);
    await http(base, 'POST', '/api/v1/auth/password', {
      agent: first,
      body: { currentPassword: oneTime, newPassword: 'crash test owner pw' },
    });
    const agentSession = await login(base, email, 'crash test owner pw');
    const visitor = await createVisitor(base, siteKey);

    const common = {
      url: proc.url.replace(/^http/, 'ws') + '/ws',
      WebSocketImpl: WebSocket as unknown as WebSocketConstructor,
      backoff: { baseMs: 50, capMs: 400 },
    };
    const visitorClient = new ParleyClient({
      ...common,
      WebSocketImpl: LossyWebSocket,
      auth: { role: 'visitor', siteKey, token: visitor.token },
      persist: { storage: new MemoryStorage(), key: 'outbox' },
    });
    const agentClient = new ParleyClient({
      ...common,
      auth: { role: 'agent' },
      headers: { cookie: agentSession.cookie },
      followAll: true,
    });
    const states: string[] = [];
    visitorClient.on('state', (s) => states.push(`visitor:${s}`));
    agentClient.on('state', (s) => states.push(`agent:${s}`));
    visitorClient.connect();
    agentClient.connect();

    const opening = visitorClient.send('opening message');
    const { conversationId } = await opening.acked;
    await until('agent sees the conversation', () => agentClient.messages(conversationId).length === 1);

    const sent = new Set<string>([opening.clientMsgId]);
    const exchange = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        sent.add(visitorClient.send(`visitor ${sent.size}`, { conversationId }).clientMsgId);
        sent.add(agentClient.send(`agent ${sent.size}`, { conversationId }).clientMsgId);
        await sleep(4);
      }
    };

    await exchange(40);
    await until('the exchange so far is acknowledged', () => visitorClient.pending().length === 0);
    // 1. Committed, but the acks are lost: the visitor's next 30 sends reach the server, which
    //    commits them (the agent sees them), but nothing comes back to the visitor.
    lossy.deaf = true;
    const lostAcks = Array.from(
      { length: 30 },
      (_, i) => visitorClient.send(`visitor, ack lost ${i}`, { conversationId }).clientMsgId,
    );
    lostAcks.forEach((id) => sent.add(id));
    await until('the agent sees the committed sends', () =>
      agentClient.messages(conversationId).some((m) => m.clientMsgId === lostAcks.at(-1)),
    );
    expect(visitorClient.pending().map((p) => p.clientMsgId)).toEqual(lostAcks);
    // 2. A burst from the agent, and the kill lands in the middle of it: some received and
    //    committed, some received but not committed, some never received.
    for (let i = 0; i < 60; i++)
      sent.add(agentClient.send(`agent burst ${i}`, { conversationId }).clientMsgId);
    await sleep(10);
    await kill(proc, 'SIGKILL');
    lossy.deaf = false;
    await exchange(20); // typed while the server is down: they wait in the outboxes
    expect(visitorClient.pending().length + agentClient.pending().length).toBeGreaterThan(0);
    await sleep(300);
    proc = await startServerProcess(env());

    await until(
      'both outboxes drained',
      () => visitorClient.pending().length === 0 && agentClient.pending().length === 0,
    );
    const rows = async () =>
      (
        await http<{ messages: Message[]; hasMore: boolean }>(
          base,
          'GET',
          `/api/v1/conversations/${conversationId}/messages?after=0&limit=500`,
          { agent: agentSession },
        )
      ).body.messages;
    let stored = await rows();
    await until('both clients hold the whole log', async () => {
      stored = await rows();
      return (
        visitorClient.messages(conversationId).length === stored.length &&
        agentClient.messages(conversationId).length === stored.length
      );
    });

    // The database: every send exactly once, seq gap-free.
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const storedIds = stored.map((m) => m.clientMsgId);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(new Set(storedIds)).toEqual(sent);
    expect(stored).toHaveLength(sent.size);

    // Each client: the same messages, in seq order, no duplicates.
    for (const client of [visitorClient, agentClient]) {
      const seen = client.messages(conversationId);
      expect(seen.map((m) => m.seq)).toEqual(stored.map((m) => m.seq));
      expect(seen.map((m) => m.id)).toEqual(stored.map((m) => m.id));
      expect(seen.map((m) => m.body)).toEqual(stored.map((m) => m.body));
    }
    // They noticed the outage and came back by themselves.
    expect(states).toContain('visitor:reconnecting');
    expect(states).toContain('agent:reconnecting');
    // The visitor's 30 committed-but-unacknowledged sends went over the wire again after the
    // restart, and were stored once (asserted above).
    for (const id of lostAcks) expect(lossy.transmissions.get(id)).toBeGreaterThanOrEqual(2);
    visitorClient.close();
    agentClient.close();
  });

  it('SIGTERM tells connected clients to reconnect, then exits cleanly', async () => {
    if (!proc) throw new Error('server not started');
    const siteKey = /demo\?site=(\S+)/.exec(proc.banner)?.[1] ?? '';
    const visitor = await createVisitor({ url: proc.url }, siteKey);
    const ws = new WebSocket(proc.url.replace(/^http/, 'ws') + '/ws');
    const frames: { t: string; reason?: string; reconnect?: boolean }[] = [];
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as { t: string }));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'hello', v: 1, role: 'visitor', siteKey, token: visitor.token }));
    await until('welcome', () => frames.some((f) => f.t === 'welcome'));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const exited = new Promise<number | null>((r) => proc?.child.once('exit', (code) => r(code)));
    proc.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(frames.find((f) => f.t === 'bye')).toEqual({ t: 'bye', reason: 'shutdown', reconnect: true });
    expect(await exited).toBe(0);
    proc = null;
  });
});
