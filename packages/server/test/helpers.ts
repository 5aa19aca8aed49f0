import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { decodeServerFrame, type ServerFrame, type ServerFrameOf } from '@parley/protocol';
import { startServer, type RunningServer, type StartOptions } from '../src/server';
import type { ServerConfig } from '../src/config';
import { createTestDatabase, type TestDatabase } from './testDb';

export interface TestServer extends RunningServer {
  wsUrl: string;
  ownerEmail: string;
  ownerPassword: string;
  oneTimePassword: string;
  siteKey: string;
  siteId: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  options: Pick<StartOptions, 'clock'> = {},
): Promise<TestServer> {
  const database: TestDatabase = await createTestDatabase();
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      databaseUrl: database.url,
      filesDir: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-files-')),
      maxFileBytes: 1024 * 1024,
      publicUrl: undefined,
      logLevel: 'silent',
      trustProxy: false,
      loginPerMinute: 1000,
      visitorSessionsPerMinute: 10_000,
      adminEmail: 'owner@example.test',
      ...overrides,
    },
    { logger: pino({ level: process.env.PARLEY_TEST_LOG ?? 'silent' }), ...options },
  );
  const site = await server.ctx.db.selectFrom('sites').selectAll().executeTakeFirstOrThrow();
  if (!server.firstRun.owner) throw new Error('fresh database expected');
  // Trade the one-time password for a real one, as the first sign-in in the console does.
  const ownerPassword = 'owner password for tests';
  const first = await login(server, server.firstRun.owner.email, server.firstRun.owner.password);
  const changed = await http(server, 'POST', '/api/v1/auth/password', {
    agent: first,
    body: { currentPassword: server.firstRun.owner.password, newPassword: ownerPassword },
  });
  if (changed.status !== 200) throw new Error(`password change failed: ${JSON.stringify(changed.body)}`);
  return {
    ...server,
    wsUrl: server.url.replace(/^http/, 'ws') + '/ws',
    ownerEmail: server.firstRun.owner.email,
    ownerPassword,
    oneTimePassword: server.firstRun.owner.password,
    siteKey: site.key,
    siteId: site.id,
    async stop() {
      await server.close();
      await database.drop();
    },
  };
}

export interface TestServerFixture {
  readonly server: TestServer;
  /** The owner, signed in (its one-time password already replaced). */
  readonly owner: AgentSession;
}

/** One server for the test file, with the owner signed in; stopped after the file's last test. */
export function useTestServer(
  overrides: Partial<ServerConfig> = {},
  options: Pick<StartOptions, 'clock'> = {},
): TestServerFixture {
  let state: { server: TestServer; owner: AgentSession } | undefined;
  const current = () => {
    if (!state) throw new Error('the test server exists only while this file runs its tests');
    return state;
  };
  beforeAll(async () => {
    const server = await startTestServer(overrides, options);
    state = { server, owner: await login(server, server.ownerEmail, server.ownerPassword) };
  });
  afterAll(async () => {
    await state?.server.stop();
    state = undefined;
  });
  return {
    get server() {
      return current().server;
    },
    get owner() {
      return current().owner;
    },
  };
}

/** A conversation's log as stored, in seq order: what tests compare clients against. */
export function dbMessages(server: { ctx: RunningServer['ctx'] }, conversationId: string) {
  return server.ctx.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();
}

/* ───────────── HTTP ───────────── */

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = Record<string, unknown>>(
  server: { url: string },
  method: string,
  path: string,
  opts: {
    body?: unknown;
    rawBody?: BodyInit;
    headers?: Record<string, string>;
    agent?: AgentSession;
    visitorToken?: string;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.agent) {
    headers.cookie = opts.agent.cookie;
    headers['x-csrf-token'] = opts.agent.csrfToken;
  }
  if (opts.visitorToken) headers.authorization = `Bearer ${opts.visitorToken}`;
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep text */
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export interface AgentSession {
  cookie: string;
  csrfToken: string;
  agentId: string;
}

export async function login(server: { url: string }, email: string, password: string): Promise<AgentSession> {
  const res = await fetch(server.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string; agent: { id: string } };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrfToken: body.csrfToken, agentId: body.agent.id };
}

/** Factory: an agent with the given role and sites, signed in. */
export async function createAgent(
  server: TestServer,
  owner: AgentSession,
  overrides: { role?: 'owner' | 'admin' | 'agent'; siteIds?: string[]; name?: string } = {},
): Promise<AgentSession & { email: string; password: string }> {
  const email = `agent-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'correct horse battery';
  const res = await http(server, 'POST', '/api/v1/agents', {
    agent: owner,
    body: {
      email,
      name: overrides.name ?? 'Agent ' + email.slice(6, 10),
      role: overrides.role ?? 'agent',
      password,
      siteIds: overrides.siteIds ?? [server.siteId],
    },
  });
  if (res.status !== 201) throw new Error(`agent create failed: ${JSON.stringify(res.body)}`);
  return { ...(await login(server, email, password)), email, password };
}

export async function createVisitor(
  server: { url: string },
  siteKey: string,
): Promise<{ token: string; visitorId: string }> {
  const res = await http<{ token: string; visitor: { id: string } }>(
    server,
    'POST',
    '/api/v1/visitor/session',
    { body: { siteKey } },
  );
  if (res.status !== 201) throw new Error(`visitor session failed: ${JSON.stringify(res.body)}`);
  return { token: res.body.token, visitorId: res.body.visitor.id };
}

export async function createSite(
  server: TestServer,
  owner: AgentSession,
  allowedOrigins: string[] = [],
): Promise<{ id: string; key: string }> {
  const res = await http<{ site: { id: string; key: string } }>(server, 'POST', '/api/v1/sites', {
    agent: owner,
    body: { name: 'Other site', allowedOrigins },
  });
  if (res.status !== 201) throw new Error(`site create failed: ${JSON.stringify(res.body)}`);
  return res.body.site;
}

/* ───────────── raw WebSocket client for protocol-level tests ───────────── */

export class RawSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closeInfo: { code: number; reason: string } | null = null;
  private closedResolvers: (() => void)[] = [];
  /** Frames already returned by `next`: each frame satisfies at most one wait. */
  private readonly consumed = new Set<ServerFrame>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const d = decodeServerFrame(text);
      if (!d.ok) throw new Error(`server sent an invalid frame: ${text} (${d.message})`);
      this.frames.push(d.value);
      const w = this.waiters.find((x) => x.pred(d.value));
      if (w) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        this.consumed.add(d.value);
        w.resolve(d.value);
      }
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      for (const r of this.closedResolvers) r();
    });
  }

  static open(
    url: string,
    headers: Record<string, string> = {},
    opts: { autoPong?: boolean } = {},
  ): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, autoPong: opts.autoPong ?? true });
      const s = new RawSocket(ws);
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The earliest frame not yet returned by `next` that matches; waits for one if there is none. */
  next<T extends ServerFrame['t']>(
    t: T,
    pred: (f: ServerFrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerFrameOf<T>> {
    const match = (f: ServerFrame): f is ServerFrameOf<T> => f.t === t && pred(f as ServerFrameOf<T>);
    const found = this.frames.find((f): f is ServerFrameOf<T> => !this.consumed.has(f) && match(f));
    if (found) {
      this.consumed.add(found);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timeout waiting for ${t}; got ${JSON.stringify(this.frames.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred: match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as ServerFrameOf<T>);
        },
      });
    });
  }

  all<T extends ServerFrame['t']>(t: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.t === t);
  }

  closed(): Promise<{ code: number; reason: string }> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) =>
      this.closedResolvers.push(() => resolve(this.closeInfo ?? { code: 0, reason: '' })),
    );
  }

  close(): void {
    this.ws.close();
  }
}

export async function visitorSocket(
  server: TestServer,
  token: string,
  opts: { siteKey?: string; resume?: Record<string, number>; origin?: string } = {},
) {
  const s = await RawSocket.open(server.wsUrl, opts.origin ? { origin: opts.origin } : {});
  s.send({
    t: 'hello',
    v: 1,
    role: 'visitor',
    siteKey: opts.siteKey ?? server.siteKey,
    token,
    ...(opts.resume && { resume: opts.resume }),
  });
  return s;
}

export async function agentSocket(
  server: TestServer,
  agent: AgentSession,
  opts: { resume?: Record<string, number>; origin?: string } = {},
) {
  const s = await RawSocket.open(server.wsUrl, {
    cookie: agent.cookie,
    ...(opts.origin && { origin: opts.origin }),
  });
  s.send({ t: 'hello', v: 1, role: 'agent', ...(opts.resume && { resume: opts.resume }) });
  return s;
}

export const uuid = (): string => randomUUID();
