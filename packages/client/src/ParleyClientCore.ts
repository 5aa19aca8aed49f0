import {
  MAX_PAGE,
  PROTOCOL_VERSION,
  type Ack,
  type Author,
  type ClientFrame,
  type ErrorCode,
  type Message,
  type ServerFrame,
  type Welcome,
} from '@parley/protocol';
import { backoffDelay, createBackoff, DEFAULT_RECONNECT_BACKOFF } from './backoff';
import type { ClientAuth, ParleyClientOptions } from './clientOptions';
import type { FrameCodec } from './codec';
import type { ClientEvents, Conversation, SendHandle, SendOptions } from './clientTypes';
import { Connection, type ConnectionState } from './Connection';
import { ConversationSync, type HistoryFrame } from './ConversationSync';
import { createEmitter, type Emitter, type Listener } from './emitter';
import { ParleyError, type ParleyErrorCode } from './errors';
import { Outbox, type PendingMessage } from './Outbox';
import { ReadMarks } from './ReadMarks';
import { SendQueue } from './SendQueue';
import type { WebSocketConstructor } from './socket';
import { TypingThrottle } from './TypingThrottle';
import { randomUuid } from './uuid';

/**
 * The client half of Parley's reliability contract: an outbox resent after every reconnect until
 * acknowledged, per-conversation logs kept gap-free by resume and fetch, reconnection forever with
 * backoff. Runs in browsers and in Node.
 *
 * This class takes the frame codec as an argument and imports no schema library, so a bundle that
 * uses it with `structuralCodec` (the widget) carries no zod. `ParleyClient` is this class with the
 * protocol's zod schemas.
 */
export class ParleyClientCore {
  readonly role: 'visitor' | 'agent';
  readonly #emitter: Emitter<ClientEvents> = createEmitter<ClientEvents>();
  readonly #followsAll: boolean;
  readonly #fetchLimit: number;
  readonly #outbox: Outbox;
  readonly #sendQueue: SendQueue;
  readonly #sync: ConversationSync;
  readonly #typing: TypingThrottle;
  readonly #reads: ReadMarks;
  readonly #connection: Connection;
  #conversations = new Map<string, Conversation>();
  #session: Welcome | null = null;
  /** The resume map of the current socket's hello: the server pushes what follows each entry. */
  #sentResume: Record<string, number> = {};
  readonly #codec: FrameCodec;

  constructor(options: ParleyClientOptions, codec: FrameCodec) {
    const urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (urls.length === 0) throw new TypeError('url must name at least one server');
    for (const u of urls) {
      const { protocol } = new URL(u);
      if (protocol !== 'ws:' && protocol !== 'wss:') {
        throw new TypeError(`url must be ws: or wss:, got ${protocol}`);
      }
    }
    const WebSocketImpl =
      options.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (WebSocketImpl === undefined) {
      throw new TypeError('no WebSocket implementation: pass WebSocketImpl (e.g. from the ws package)');
    }
    const random = options.random ?? Math.random;
    this.#codec = codec;
    this.role = options.auth.role;
    this.#followsAll = this.role === 'visitor' || options.followAll === true;
    this.#fetchLimit = Math.min(Math.max(1, options.fetchLimit ?? MAX_PAGE), MAX_PAGE);
    const send = (frame: ClientFrame): boolean => this.#connection.send(frame);

    this.#outbox = new Outbox(options.persist, (error) =>
      this.#problem('storage_failed', `the outbox could not be saved: ${String(error)}`),
    );
    const retryOptions = { baseMs: 1000, capMs: 30_000, ...options.sendRetry };
    const sendRetry = createBackoff(retryOptions, random);
    this.#sendQueue = new SendQueue(
      this.#outbox,
      {
        send,
        acked: (pending, ack, message) => {
          this.#emitter.emit('ack', { ack, pending });
          this.#receive(message ?? this.#rebuild(pending, ack), {
            provisional: message === undefined,
            follow: true,
          });
        },
        failed: (pending, error) => this.#emitter.emit('sendFailed', { pending, error }),
      },
      sendRetry,
    );
    this.#sync = new ConversationSync(
      {
        send,
        released: (message) => this.#emitter.emit('message', message),
        unfollowed: (message) => this.#emitter.emit('activity', message),
        problem: (code, message) => this.#problem(code, message),
      },
      {
        fetchLimit: this.#fetchLimit,
        resumeGraceMs: options.resumeGraceMs ?? 1000,
        // A fetch refused for now is retried within a few base delays; it blocks no user input.
        retryDelayMs: () => backoffDelay(2, retryOptions, random),
      },
    );
    this.#typing = new TypingThrottle(options.typingIntervalMs ?? 1000, (conversationId, preview) =>
      send({ t: 'typing', conversationId, ...(preview === undefined ? {} : { preview }) }),
    );
    this.#reads = new ReadMarks(options.readDelayMs ?? 250, (conversationId, seq) =>
      send({ t: 'read', conversationId, seq }),
    );
    this.#connection = new Connection(
      {
        urls,
        WebSocketImpl,
        headers: options.headers,
        backoff: createBackoff({ ...DEFAULT_RECONNECT_BACKOFF, ...options.backoff }, random),
        random,
        connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
        reconnectSoonMs: options.reconnectSoonMs ?? 3000,
        offlineProbeMs: options.offlineProbeMs ?? 3000,
        decode: (text) => codec.decodeServerFrame(text),
      },
      {
        hello: () => this.#hello(options.auth),
        frame: (frame) => this.#dispatch(frame),
        problem: (code, message) => this.#problem(code, message),
        state: (state) => this.#stateChanged(state),
        lost: () => this.#disconnected(),
        refused: (closeCode, reason, code) =>
          this.#emitter.emit('authFailed', { closeCode, reason, ...(code === undefined ? {} : { code }) }),
      },
    );
  }

  get state(): ConnectionState {
    return this.#connection.state;
  }

  /** The latest welcome: who we are (`visitor` / `agent`), server heartbeat, etc. */
  get session(): Welcome | null {
    return this.#session;
  }

  on<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.#emitter.on(type, listener);
  }

  once<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.#emitter.once(type, listener);
  }

  off<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): void {
    this.#emitter.off(type, listener);
  }

  /** Starts connecting; from then on the client reconnects by itself until `close()`. */
  connect(): void {
    this.#connection.start();
  }

  /** Stops for good. Unacknowledged messages stay in the persisted outbox for the next instance. */
  close(): void {
    this.#connection.stop();
  }

  /**
   * Queues a message and sends it as soon as (and every time) the connection is open, until the
   * server acknowledges it. Throws a `ParleyError` for input the server would refuse anyway.
   */
  send(body: string, options: SendOptions = {}): SendHandle {
    if (this.state === 'closed') throw new ParleyError('client_closed', 'the client is closed');
    const { conversationId } = options;
    const isPrivate = options.private ?? false;
    if (this.role === 'agent' && conversationId === undefined) {
      throw new ParleyError('validation_failed', 'agents must name the conversation they write to');
    }
    if (this.role === 'visitor' && isPrivate) {
      throw new ParleyError('forbidden', 'private notes are for agents only');
    }
    const clientMsgId = randomUuid();
    const attachmentIds = options.attachmentIds ?? [];
    const problem = this.#codec.checkSend({
      t: 'send',
      clientMsgId,
      conversationId,
      body,
      private: isPrivate,
      ...(attachmentIds.length > 0 && { attachmentIds: [...attachmentIds] }),
    });
    if (problem !== null) throw new ParleyError('validation_failed', problem);
    // The draft is now a message: a trailing typing frame would announce it once more, after it.
    // A visitor writes into one conversation at a time, and a send without an id (or into a closed
    // conversation) lands in one the client may not know yet: all of its typing goes.
    this.#typing.cancel(this.role === 'visitor' ? undefined : conversationId);
    const pending: PendingMessage = {
      clientMsgId,
      ...(conversationId === undefined ? {} : { conversationId }),
      body,
      private: isPrivate,
      ...(attachmentIds.length > 0 && { attachmentIds: [...attachmentIds] }),
      createdAt: new Date().toISOString(),
    };
    return { clientMsgId, acked: this.#sendQueue.enqueue(pending) };
  }

  /** Messages not yet acknowledged, in send order (including those restored from storage). */
  pending(): readonly PendingMessage[] {
    return this.#outbox.list();
  }

  /** The followed conversation's messages, gap-free and ascending. */
  messages(conversationId: string): readonly Message[] {
    return this.#sync.log(conversationId)?.messages() ?? [];
  }

  /** The latest known summary of every conversation the server told us about. */
  conversations(): readonly Conversation[] {
    return [...this.#conversations.values()];
  }

  conversation(conversationId: string): Conversation | undefined {
    return this.#conversations.get(conversationId);
  }

  /** Agents: keep this conversation's log complete (history, live messages, resume). */
  follow(conversationId: string): void {
    this.#sync.follow(conversationId, this.#conversations.get(conversationId)?.lastSeq);
  }

  unfollow(conversationId: string): void {
    this.#sync.unfollow(conversationId);
  }

  /**
   * Ephemeral and throttled; dropped while disconnected. A draft still waiting for the end of its
   * interval is dropped by `send()`, so the peer never sees typing for a message it already has.
   */
  typing(conversationId: string, preview?: string): void {
    if (this.#connection.isOpen) this.#typing.push(conversationId, preview);
  }

  /**
   * Our read mark (a high-water mark): coalesced, and kept until the server confirms it. The
   * conversation's `readSeq` is raised at once (up to its `lastSeq`), with a `conversation` event.
   */
  markRead(conversationId: string, seq: number): void {
    this.#reads.mark(conversationId, seq);
    const summary = this.#conversations.get(conversationId);
    if (summary !== undefined) this.#raiseMark(conversationId, 'readSeq', Math.min(seq, summary.lastSeq));
  }

  /**
   * One page of history after `afterSeq`. Followed conversations also apply it to their log (the
   * client fetches gaps by itself; this is for paging or unfollowed conversations).
   */
  fetchHistory(conversationId: string, afterSeq: number, limit = this.#fetchLimit): Promise<HistoryFrame> {
    return this.#sync.fetchHistory(conversationId, afterSeq, limit);
  }

  #hello(auth: ClientAuth): ClientFrame {
    this.#sentResume = this.#sync.resumeMap();
    const resume = this.#sentResume;
    return auth.role === 'visitor'
      ? { t: 'hello', v: PROTOCOL_VERSION, role: 'visitor', siteKey: auth.siteKey, token: auth.token, resume }
      : { t: 'hello', v: PROTOCOL_VERSION, role: 'agent', resume };
  }

  #dispatch(frame: ServerFrame): void {
    switch (frame.t) {
      case 'welcome':
        this.#welcome(frame);
        break;
      case 'ack':
        this.#sendQueue.ack(frame);
        break;
      case 'msg': {
        const { t: _t, ...message } = frame;
        this.#onMessage(message);
        break;
      }
      case 'history':
        for (const message of frame.messages) this.#noteSeq(message.conversationId, message.seq);
        this.#sync.history(frame);
        break;
      case 'conversation': {
        const { conversation } = frame;
        const summary = this.#merge(this.#conversations.get(conversation.id), conversation);
        this.#conversations.set(conversation.id, summary);
        if (this.#followsAll) this.#sync.follow(conversation.id, conversation.lastSeq, true);
        this.#emitter.emit('conversation', summary);
        break;
      }
      case 'typing':
        this.#emitter.emit('typing', frame);
        break;
      case 'read': {
        const { conversationId, reader, seq } = frame;
        let changed: Conversation | undefined;
        if (this.#isMe(reader)) {
          this.#reads.confirm(conversationId, seq);
          changed = this.#raiseMark(conversationId, 'readSeq', seq, false);
        } else if (this.#isPeer(reader)) {
          changed = this.#raiseMark(conversationId, 'peerReadSeq', seq, false);
        }
        this.#emitter.emit('read', frame);
        if (changed !== undefined) this.#emitter.emit('conversation', changed);
        break;
      }
      case 'error': {
        const { ref, code, message } = frame;
        if (ref !== undefined && this.#settleRequest(ref, code, message)) break;
        // Still reported: a conversation we can no longer see is worth telling the UI about.
        if (ref !== undefined) this.#sync.resumeRefused(ref, code);
        this.#emitter.emit('error', {
          code,
          message,
          ...(ref === undefined ? {} : { ref }),
          source: 'server',
        });
        break;
      }
      case 'bye':
        this.#emitter.emit('bye', frame);
        break;
      case 'visitor':
        this.#emitter.emit('visitor', frame.visitor);
        break;
      case 'conversations_removed':
        for (const id of frame.conversationIds) {
          this.#sync.unfollow(id);
          this.#conversations.delete(id);
        }
        this.#emitter.emit('removed', { conversationIds: frame.conversationIds, reason: frame.reason });
        break;
      case 'pong':
        // Its arrival already proved the socket alive.
        break;
    }
  }

  /** An error frame answering one of our sends or fetches; false when it answers none. */
  #settleRequest(ref: string, code: ErrorCode, message: string): boolean {
    return this.#sendQueue.error(ref, code, message) || this.#sync.fetchFailed(ref, code, message);
  }

  #welcome(frame: Welcome): void {
    this.#session = frame;
    for (const c of frame.conversations) this.#reads.confirm(c.id, c.readSeq);
    // Marks made offline (or lost with the last socket) are flushed below; until the server echoes
    // them, the summaries keep showing them, as `markRead` did.
    const amended: Conversation[] = [];
    this.#conversations = new Map(
      frame.conversations.map((c) => {
        const summary = this.#withOwnMark(c);
        if (summary !== c) amended.push(summary);
        return [c.id, summary];
      }),
    );
    // The user's own words first: they are what the reliability contract is about.
    this.#sendQueue.resendAll();
    this.#sync.connected(frame.conversations, this.#sentResume, this.#followsAll);
    this.#reads.flush();
    this.#emitter.emit('welcome', frame);
    for (const summary of amended) this.#emitter.emit('conversation', summary);
  }

  #onMessage(message: Message): void {
    const pending = message.clientMsgId === null ? undefined : this.#outbox.get(message.clientMsgId);
    // Our own message committed: it may overtake its ack, and is just as good a proof of storage.
    // Its conversation may differ from the one we named (a visitor writing into a closed chat).
    if (pending !== undefined && pending.body === message.body && message.author.kind === this.role) {
      const ack: Ack = {
        t: 'ack',
        clientMsgId: pending.clientMsgId,
        conversationId: message.conversationId,
        seq: message.seq,
        messageId: message.id,
        at: message.at,
        duplicate: false,
      };
      this.#sendQueue.ack(ack, message);
      return;
    }
    this.#receive(message, { follow: this.#followsAll });
  }

  #receive(message: Message, options: { provisional?: boolean; follow: boolean }): void {
    this.#noteSeq(message.conversationId, message.seq);
    this.#sync.receive(message, options);
  }

  /** Our message as the server stored it, from the ack, until the server's copy arrives. */
  #rebuild(pending: PendingMessage, ack: Ack): Message {
    return {
      id: ack.messageId,
      conversationId: ack.conversationId,
      seq: ack.seq,
      author: this.#me(),
      body: pending.body,
      private: pending.private,
      attachments: [],
      clientMsgId: pending.clientMsgId,
      at: ack.at,
    };
  }

  #me(): Author {
    const visitor = this.#session?.visitor;
    if (visitor !== undefined) return { kind: 'visitor', id: visitor.id, name: visitor.name };
    const agent = this.#session?.agent;
    if (agent !== undefined) return { kind: 'agent', id: agent.id, name: agent.name };
    return { kind: this.role, id: null, name: null };
  }

  #isMe(reader: { kind: string; id: string }): boolean {
    const me = this.#me();
    return reader.kind === me.kind && reader.id === me.id;
  }

  /**
   * Whose mark is a summary's `peerReadSeq`: for a visitor, any agent's (the highest); for an agent,
   * the visitor's. A colleague's mark is neither ours nor the peer's.
   */
  #isPeer(reader: { kind: string }): boolean {
    return this.role === 'visitor' ? reader.kind !== 'visitor' : reader.kind === 'visitor';
  }

  /**
   * Raises a read mark of a known summary, and returns the new summary (already emitted as a
   * `conversation` event when `announce`) if it changed. Marks never move back.
   */
  #raiseMark(
    conversationId: string,
    field: 'readSeq' | 'peerReadSeq',
    seq: number,
    announce = true,
  ): Conversation | undefined {
    const summary = this.#conversations.get(conversationId);
    if (summary === undefined || seq <= summary[field]) return undefined;
    const raised: Conversation =
      field === 'readSeq' ? { ...summary, readSeq: seq } : { ...summary, peerReadSeq: seq };
    this.#conversations.set(conversationId, raised);
    if (announce) this.#emitter.emit('conversation', raised);
    return raised;
  }

  /**
   * A `conversation` frame replaces our copy, except that seqs and marks never move back: the frame
   * may have been built just before a message or a read mark we already applied.
   */
  #merge(previous: Conversation | undefined, next: Conversation): Conversation {
    const merged =
      previous === undefined
        ? next
        : {
            ...next,
            lastSeq: Math.max(next.lastSeq, previous.lastSeq),
            readSeq: Math.max(next.readSeq, previous.readSeq),
            peerReadSeq: Math.max(next.peerReadSeq, previous.peerReadSeq),
          };
    return this.#withOwnMark(merged);
  }

  /** The summary with our own read mark the server has not confirmed yet, if that is higher. */
  #withOwnMark(summary: Conversation): Conversation {
    const pending = this.#reads.pending(summary.id);
    if (pending === undefined) return summary;
    const readSeq = Math.min(pending, summary.lastSeq);
    return readSeq > summary.readSeq ? { ...summary, readSeq } : summary;
  }

  /** Keeps summaries' `lastSeq` current between `conversation` frames (unread counts use it). */
  #noteSeq(conversationId: string, seq: number): void {
    const summary = this.#conversations.get(conversationId);
    if (summary !== undefined && seq > summary.lastSeq) {
      this.#conversations.set(conversationId, { ...summary, lastSeq: seq });
    }
  }

  #stateChanged(state: ConnectionState): void {
    if (state === 'closed') {
      this.#sendQueue.close();
      this.#reads.dispose();
    }
    this.#emitter.emit('state', state);
  }

  #disconnected(): void {
    this.#sendQueue.disconnected();
    this.#sync.disconnected();
    this.#typing.clear();
    this.#reads.disconnected();
  }

  #problem(code: ParleyErrorCode, message: string): void {
    this.#emitter.emit('error', { code, message, source: 'client' });
  }
}
