import type { AddressInfo } from 'node:net';
import {
  decodeClientFrame,
  type Author,
  type ClientFrame,
  type ConversationForAgent,
  type ConversationForVisitor,
  type ErrorCode,
  type Message,
  type ServerFrame,
} from '@parley/protocol';
import { WebSocket, WebSocketServer } from 'ws';

type FrameOf<T extends ClientFrame['t']> = Extract<ClientFrame, { t: T }>;

/** What the scripted server does with one `send` frame, decided by the test. */
export type SendAction =
  | 'ack'
  /** The socket dies before the message is stored. */
  | 'dropBeforeCommit'
  /** The message is stored (and delivered to others) but the socket dies before the ack. */
  | 'dropAfterCommit'
  | { error: ErrorCode };

export interface FakeConn {
  readonly socket: WebSocket;
  readonly role: 'visitor' | 'agent' | null;
}

export const VISITOR_TOKEN = 'visitor-token';
export const AGENT_COOKIE = 'parley_session=agent-cookie';
export const VISITOR: Author = { kind: 'visitor', id: 'v1', name: null };
export const AGENT: Author = { kind: 'agent', id: 'a1', name: 'Ann' };

const EPOCH = '2025-01-01T00:00:00.000Z';

/**
 * A minimal in-memory Parley server over real WebSockets, following the server spec closely
 * enough to exercise the client: hello/welcome, idempotent send by clientMsgId, resume push,
 * fetch/history, private notes hidden from visitors, ping/pong. Tests script its misbehaviour.
 */
export class FakeServer {
  readonly url: string;
  readonly received: ClientFrame[] = [];
  readonly logs = new Map<string, Message[]>();
  readonly conns = new Set<FakeConn>();
  /** The conversation a visitor's send without conversationId goes to. */
  visitorConversation = 'c1';
  heartbeatMs = 60_000;
  pushLimit = 1000;
  answerPings = true;
  /** False: accept hellos but never welcome (a hung server). */
  answerHello = true;
  /** Answer the next hello with this error frame, leaving the socket open (a failed welcome). */
  helloError: ErrorCode | null = null;
  /** Refuse every hello like the real server: this error frame, then this close code. */
  refuseHello: { code: ErrorCode; closeCode: number } | null = null;
  /** False: read frames are received but neither stored nor answered (lost on the way). */
  storeReads = true;
  /** The close code of every socket that ended, as the server saw it. */
  readonly closeCodes: number[] = [];
  /** Where a send is stored; the real server may redirect a visitor's send (closed conversation). */
  routeSend: (frame: FrameOf<'send'>) => string = (frame) => frame.conversationId ?? this.visitorConversation;
  /** Ack a send before delivering the sender its own `msg` (by default the msg comes first). */
  ackBeforeMsg = false;
  onSend: (frame: FrameOf<'send'>, conn: FakeConn) => SendAction = () => 'ack';
  /** Returning false withholds a live `msg` from that connection, as if the frame were lost. */
  deliver: (message: Message, conn: FakeConn) => boolean = () => true;
  /** Stored read marks: `conversationId reader-kind:reader-id` → seq. */
  readonly marks = new Map<string, number>();
  readonly #wss: WebSocketServer;
  readonly #byClientMsgId = new Map<string, Message>();
  #ids = 0;

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    const { port } = wss.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/ws`;
    wss.on('connection', (socket, request) => this.#accept(socket, request.headers.cookie));
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new FakeServer(wss);
  }

  async stop(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  framesOf<T extends ClientFrame['t']>(t: T): FrameOf<T>[] {
    return this.received.filter((f): f is FrameOf<T> => f.t === t);
  }

  openSockets(): FakeConn[] {
    return [...this.conns].filter((c) => c.socket.readyState === WebSocket.OPEN && c.role !== null);
  }

  /** Stores a message from someone else and delivers it live (unless `deliverNow` is false). */
  post(
    conversationId: string,
    body: string,
    options: { author?: Author; private?: boolean; deliverNow?: boolean } = {},
  ): Message {
    const saved = this.deliver;
    if (options.deliverNow === false) this.deliver = () => false;
    try {
      return this.#commit(conversationId, body, options.author ?? AGENT, options.private ?? false, null);
    } finally {
      this.deliver = saved;
    }
  }

  /** Delivers a stored message live now (late, as a slow node or a reordering proxy would). */
  redeliver(conversationId: string, seq: number): void {
    const message = this.stored(conversationId).find((m) => m.seq === seq);
    if (message === undefined) throw new Error(`no seq ${seq} in ${conversationId}`);
    for (const conn of this.openSockets()) {
      if (this.#mayRead(conn, message)) this.#send(conn, { t: 'msg', ...message });
    }
  }

  /** Stores a message without delivering it (it happened while the client was away, say). */
  postSilently(conversationId: string, body: string): Message {
    const saved = this.deliver;
    this.deliver = () => false;
    try {
      return this.post(conversationId, body);
    } finally {
      this.deliver = saved;
    }
  }

  stored(conversationId: string): Message[] {
    return this.logs.get(conversationId) ?? [];
  }

  dropAll(): void {
    for (const conn of this.conns) conn.socket.terminate();
  }

  broadcastRaw(data: string): void {
    for (const conn of this.openSockets()) conn.socket.send(data);
  }

  broadcast(frame: ServerFrame): void {
    this.broadcastRaw(JSON.stringify(frame));
  }

  closeAll(code: number, reason: string): void {
    for (const conn of this.conns) conn.socket.close(code, reason);
  }

  #accept(socket: WebSocket, cookie: string | undefined): void {
    let conn: FakeConn = { socket, role: null };
    this.conns.add(conn);
    socket.on('close', (code: number) => {
      this.closeCodes.push(code);
      this.conns.delete(conn);
    });
    socket.on('message', (data: Buffer) => {
      const decoded = decodeClientFrame(data.toString('utf8'));
      if (!decoded.ok) {
        this.#send(conn, { t: 'error', code: decoded.code, message: decoded.message });
        return;
      }
      const frame = decoded.value;
      this.received.push(frame);
      if (conn.role === null) {
        if (frame.t !== 'hello') {
          socket.close(4401, 'hello first');
          return;
        }
        if (!this.answerHello) return;
        if (this.refuseHello !== null) {
          const { code, closeCode } = this.refuseHello;
          this.#send(conn, { t: 'error', code, message: 'refused' });
          socket.close(closeCode, code);
          return;
        }
        if (this.helloError !== null) {
          this.#send(conn, { t: 'error', code: this.helloError, message: 'hello failed' });
          this.helloError = null;
          return;
        }
        const ok = frame.role === 'visitor' ? frame.token === VISITOR_TOKEN : cookie === AGENT_COOKIE;
        if (!ok) {
          socket.close(4401, 'bad credentials');
          return;
        }
        this.conns.delete(conn);
        conn = { socket, role: frame.role };
        this.conns.add(conn);
        this.#welcome(conn, frame.resume ?? {});
        return;
      }
      this.#handle(conn, frame);
    });
  }

  #welcome(conn: FakeConn, resume: Record<string, number>): void {
    const now = new Date().toISOString();
    this.#send(conn, {
      t: 'welcome',
      v: 1,
      role: conn.role ?? 'visitor',
      connectionId: `conn${++this.#ids}`,
      serverTime: now,
      heartbeatMs: this.heartbeatMs,
      ...(conn.role === 'visitor'
        ? {
            visitor: {
              id: 'v1',
              siteId: 's1',
              name: null,
              email: null,
              externalId: null,
              verified: false,
              attributes: {},
              firstSeenAt: EPOCH,
              lastSeenAt: now,
              lastPageUrl: null,
              lastPageTitle: null,
              userAgent: null,
            },
          }
        : {
            agent: {
              id: 'a1',
              email: 'ann@example.com',
              name: 'Ann',
              role: 'agent' as const,
              status: 'online' as const,
              maxChats: 5,
              avatarUrl: null,
              active: true,
              mustChangePassword: false,
              siteIds: ['s1'],
              createdAt: EPOCH,
            },
          }),
      conversations: [...this.logs.keys()].map((id) => this.summary(conn, id)),
      conversationsTruncated: false,
    });
    for (const [conversationId, afterSeq] of Object.entries(resume)) {
      if (!this.logs.has(conversationId)) {
        this.#send(conn, {
          t: 'error',
          code: 'not_found',
          message: 'no such conversation',
          ref: conversationId,
        });
        continue;
      }
      const missed = this.#visible(conn, conversationId).filter((m) => m.seq > afterSeq);
      for (const message of missed.slice(0, this.pushLimit)) this.#send(conn, { t: 'msg', ...message });
    }
  }

  #handle(conn: FakeConn, frame: ClientFrame): void {
    switch (frame.t) {
      case 'send':
        this.#onSend(conn, frame);
        break;
      case 'fetch': {
        if (!this.logs.has(frame.conversationId)) {
          this.#send(conn, {
            t: 'error',
            code: 'not_found',
            message: 'no such conversation',
            ref: frame.ref,
          });
          break;
        }
        const limit = frame.limit ?? 200;
        const page = this.#visible(conn, frame.conversationId)
          .filter((m) => m.seq > frame.afterSeq)
          .slice(0, limit);
        const lastSeq = this.#lastSeq(conn, frame.conversationId);
        this.#send(conn, {
          t: 'history',
          ref: frame.ref,
          conversationId: frame.conversationId,
          messages: page,
          lastSeq,
          hasMore: page.length === limit && (page.at(-1)?.seq ?? frame.afterSeq) < lastSeq,
        });
        break;
      }
      case 'ping':
        if (this.answerPings) {
          this.#send(conn, {
            t: 'pong',
            ...(frame.ref === undefined ? {} : { ref: frame.ref }),
            serverTime: new Date().toISOString(),
          });
        }
        break;
      case 'hello':
        this.#send(conn, { t: 'error', code: 'already_authenticated', message: 'hello twice' });
        break;
      case 'read':
        if (this.storeReads)
          this.storeMark(frame.conversationId, conn.role === 'agent' ? AGENT : VISITOR, frame.seq, conn);
        break;
      case 'typing':
        break;
    }
  }

  /**
   * Like the real server: the mark is capped at the reader's view of the log, never lowered, and
   * the stored mark is broadcast to everyone, the reader's own sockets included.
   */
  storeMark(conversationId: string, reader: Author, seq: number, conn?: FakeConn): void {
    const key = `${conversationId} ${reader.kind}:${reader.id ?? ''}`;
    const cap = conn === undefined ? Number.POSITIVE_INFINITY : this.#lastSeq(conn, conversationId);
    const stored = Math.max(this.marks.get(key) ?? 0, Math.min(seq, cap));
    this.marks.set(key, stored);
    this.broadcast({
      t: 'read',
      conversationId,
      reader: { kind: reader.kind, id: reader.id ?? '' },
      seq: stored,
    });
  }

  #mark(conversationId: string, reader: Author): number {
    return this.marks.get(`${conversationId} ${reader.kind}:${reader.id ?? ''}`) ?? 0;
  }

  #onSend(conn: FakeConn, frame: FrameOf<'send'>): void {
    const existing = this.#byClientMsgId.get(frame.clientMsgId);
    if (existing !== undefined) {
      if (existing.body !== frame.body) {
        this.#send(conn, {
          t: 'error',
          code: 'client_msg_id_conflict',
          message: 'conflict',
          ref: frame.clientMsgId,
        });
      } else {
        this.#ack(conn, existing, true);
      }
      return;
    }
    const action = this.onSend(frame, conn);
    if (action === 'dropBeforeCommit') {
      conn.socket.terminate();
      return;
    }
    if (typeof action === 'object') {
      this.#send(conn, { t: 'error', code: action.error, message: action.error, ref: frame.clientMsgId });
      return;
    }
    const conversationId = this.routeSend(frame);
    const author = conn.role === 'agent' ? AGENT : VISITOR;
    if (action === 'dropAfterCommit') {
      // Committed, but this socket never hears of it: neither the ack nor its own msg.
      const saved = this.deliver;
      this.deliver = (m, c) => c !== conn && saved(m, c);
      try {
        this.#commit(conversationId, frame.body, author, frame.private ?? false, frame.clientMsgId);
      } finally {
        this.deliver = saved;
      }
      conn.socket.terminate();
      return;
    }
    if (!this.ackBeforeMsg) {
      const message = this.#commit(
        conversationId,
        frame.body,
        author,
        frame.private ?? false,
        frame.clientMsgId,
      );
      this.#ack(conn, message, false);
      return;
    }
    const saved = this.deliver;
    this.deliver = (m, c) => c !== conn && saved(m, c);
    let message: Message;
    try {
      message = this.#commit(conversationId, frame.body, author, frame.private ?? false, frame.clientMsgId);
    } finally {
      this.deliver = saved;
    }
    this.#ack(conn, message, false);
    if (this.deliver(message, conn)) this.#send(conn, { t: 'msg', ...message });
  }

  #ack(conn: FakeConn, message: Message, duplicate: boolean): void {
    this.#send(conn, {
      t: 'ack',
      clientMsgId: message.clientMsgId ?? '',
      conversationId: message.conversationId,
      seq: message.seq,
      messageId: message.id,
      at: message.at,
      duplicate,
    });
  }

  #commit(
    conversationId: string,
    body: string,
    author: Author,
    isPrivate: boolean,
    clientMsgId: string | null,
  ): Message {
    const log = this.logs.get(conversationId) ?? [];
    this.logs.set(conversationId, log);
    const message: Message = {
      id: `m${++this.#ids}`,
      conversationId,
      seq: log.length + 1,
      author,
      body,
      private: isPrivate,
      attachments: [],
      clientMsgId,
      at: new Date().toISOString(),
    };
    log.push(message);
    if (clientMsgId !== null) this.#byClientMsgId.set(clientMsgId, message);
    for (const conn of this.openSockets()) {
      if (this.#mayRead(conn, message) && this.deliver(message, conn))
        this.#send(conn, { t: 'msg', ...message });
    }
    return message;
  }

  #visible(conn: FakeConn, conversationId: string): Message[] {
    return this.stored(conversationId).filter((m) => this.#mayRead(conn, m));
  }

  /** Like the real server: a visitor's view of the log's length hides trailing private notes. */
  #lastSeq(conn: FakeConn, conversationId: string): number {
    return this.#visible(conn, conversationId).at(-1)?.seq ?? 0;
  }

  #mayRead(conn: FakeConn, message: Message): boolean {
    return conn.role === 'agent' || !message.private;
  }

  summary(conn: FakeConn, id: string): ConversationForVisitor | ConversationForAgent {
    const base = {
      id,
      status: 'open' as const,
      lastSeq: this.#lastSeq(conn, id),
      readSeq: this.#mark(id, conn.role === 'agent' ? AGENT : VISITOR),
      peerReadSeq: conn.role === 'agent' ? this.#mark(id, VISITOR) : this.#mark(id, AGENT),
      rating: null,
      createdAt: EPOCH,
      closedAt: null,
    };
    if (conn.role === 'visitor') return { ...base, assignee: null };
    return {
      ...base,
      siteId: 's1',
      visitorId: 'v1',
      visitorName: null,
      visitorEmail: null,
      assigneeId: null,
      departmentId: null,
      lastMessageAt: null,
      lastMessagePreview: null,
      source: 'chat' as const,
      ratingComment: null,
      firstResponseAt: null,
      waitingSince: null,
      snoozedUntil: null,
      tagIds: [],
    };
  }

  #send(conn: FakeConn, frame: ServerFrame): void {
    if (conn.socket.readyState === WebSocket.OPEN) conn.socket.send(JSON.stringify(frame));
  }
}
