import {
  MAX_RESUME_ENTRIES,
  type ClientFrame,
  type ErrorCode,
  type Message,
  type ServerFrameOf,
} from '@parley/protocol';
import { ConversationLog } from './ConversationLog';
import { ParleyError, TRANSIENT_SEND_ERRORS, type ParleyErrorCode } from './errors';

export type HistoryFrame = ServerFrameOf<'history'>;

/**
 * After `hello.resume` the server pushes at most this many messages per conversation; anything
 * beyond must be fetched. (Server behaviour; not yet a constant of the protocol package.)
 */
export const RESUME_PUSH_LIMIT = 1000;

export interface SyncHost {
  /** Transmits when the connection is open; returns false otherwise. */
  send(frame: ClientFrame): boolean;
  /** A message of a followed conversation, released in seq order, once. */
  released(message: Message): void;
  /** A live message of a conversation nobody follows here: no ordering or gap guarantee. */
  unfollowed(message: Message): void;
  problem(code: ParleyErrorCode, message: string): void;
}

export interface SyncOptions {
  fetchLimit: number;
  /** How long a resumed conversation may go without a pushed message before we fetch instead. */
  resumeGraceMs: number;
  retryDelayMs(): number;
}

interface Tracked {
  readonly log: ConversationLog;
  /** Order of last activity: `hello.resume` names the most recently active conversations first. */
  activity: number;
  /** The ref of this conversation's automatic fetch in flight: one at a time per conversation. */
  fetchRef: string | null;
  /** After `hello.resume` the server pushes what we missed; waiting avoids fetching it twice. */
  pushWait: { timer: ReturnType<typeof setTimeout>; pushEnd: number } | null;
  /** Nothing is known yet about how long this conversation is: ask once. */
  probe: boolean;
  /** History replies stopped making progress; retrying at once would loop. Cleared by a reconnect. */
  stalled: boolean;
  retryTimer: ReturnType<typeof setTimeout> | null;
}

interface FetchRequest {
  conversationId: string;
  afterSeq: number;
  /** Started by the sync itself (gap, resume) rather than by `fetchHistory`. */
  auto: boolean;
  resolve?(frame: HistoryFrame): void;
  reject?(error: ParleyError): void;
}

/**
 * Keeps the logs of followed conversations complete: resume after a reconnect, fetch a gap as soon
 * as one is seen, and deliver each seq once, in order.
 */
export class ConversationSync {
  readonly #host: SyncHost;
  readonly #options: SyncOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #requests = new Map<string, FetchRequest>();
  #open = false;
  #refCounter = 0;
  #activityCounter = 0;

  constructor(host: SyncHost, options: SyncOptions) {
    this.#host = host;
    this.#options = options;
  }

  isFollowed(conversationId: string): boolean {
    return this.#tracked.has(conversationId);
  }

  log(conversationId: string): ConversationLog | undefined {
    return this.#tracked.get(conversationId)?.log;
  }

  /**
   * `knownLastSeq` comes from a conversation summary; without it the conversation is probed.
   * `expectLive`: the summary came from a live `conversation` frame, whose `lastSeq` usually runs a
   * moment ahead of the `msg` frames carrying those messages, so wait a little before fetching.
   */
  follow(conversationId: string, knownLastSeq?: number, expectLive = false): void {
    if (this.#tracked.has(conversationId)) return;
    const tracked = this.#track(conversationId);
    if (knownLastSeq === undefined) tracked.probe = true;
    else tracked.log.noteLastSeq(knownLastSeq);
    if (!this.#open) return;
    if (expectLive && tracked.log.isBehind) this.#awaitPush(tracked, Number.POSITIVE_INFINITY);
    else this.#catchUp(tracked);
  }

  unfollow(conversationId: string): void {
    const tracked = this.#tracked.get(conversationId);
    if (tracked === undefined) return;
    this.#clearTimers(tracked);
    this.#tracked.delete(conversationId);
  }

  /**
   * For `hello.resume`: the highest contiguous seq of the followed conversations, the most recently
   * active first, within the protocol's limit. The others are caught up by fetching after welcome.
   */
  resumeMap(): Record<string, number> {
    const resume: Record<string, number> = {};
    const newestFirst = [...this.#tracked.values()].sort((a, b) => b.activity - a.activity);
    for (const tracked of newestFirst.slice(0, MAX_RESUME_ENTRIES)) {
      resume[tracked.log.conversationId] = tracked.log.contiguousSeq;
    }
    return resume;
  }

  /**
   * The server refused a `resume` entry (error with the conversation id as ref): we may no longer
   * see this conversation, so stop following it. Returns false when `ref` is not followed.
   */
  resumeRefused(ref: string, code: ErrorCode): boolean {
    if (!this.#tracked.has(ref) || (code !== 'not_found' && code !== 'forbidden')) return false;
    this.unfollow(ref);
    return true;
  }

  /**
   * After a welcome. `summaries` is the welcome's conversation list; `resumed` what our hello named,
   * for which the server is now pushing the missed messages.
   */
  connected(
    summaries: readonly { id: string; lastSeq: number }[],
    resumed: Readonly<Record<string, number>>,
    followAll: boolean,
  ): void {
    this.#open = true;
    const listed = new Set<string>();
    for (const summary of summaries) {
      listed.add(summary.id);
      const tracked = this.#tracked.get(summary.id) ?? (followAll ? this.#track(summary.id) : undefined);
      tracked?.log.noteLastSeq(summary.lastSeq);
    }
    for (const tracked of this.#tracked.values()) {
      const { log } = tracked;
      tracked.stalled = false;
      // An agent's welcome lists open conversations only; for the others we must ask how far they go.
      tracked.probe = !listed.has(log.conversationId);
      const from = resumed[log.conversationId];
      if (from === undefined || log.hasGap) this.#catchUp(tracked);
      else if (log.isBehind || tracked.probe) this.#awaitPush(tracked, from + RESUME_PUSH_LIMIT);
    }
  }

  disconnected(): void {
    this.#open = false;
    for (const tracked of this.#tracked.values()) {
      tracked.fetchRef = null;
      this.#clearTimers(tracked);
    }
    for (const [ref, request] of this.#requests) {
      request.reject?.(
        new ParleyError('connection_lost', 'the connection dropped before the history arrived', ref),
      );
    }
    this.#requests.clear();
  }

  /**
   * A live message (`msg` frame), or our own message rebuilt from its ack (`provisional`). `follow`
   * starts following an unknown conversation instead of reporting the message as unfollowed.
   */
  receive(message: Message, options: { provisional?: boolean; follow: boolean }): void {
    let tracked = this.#tracked.get(message.conversationId);
    if (tracked === undefined) {
      if (!options.follow) {
        this.#host.unfollowed(message);
        return;
      }
      tracked = this.#track(message.conversationId);
    }
    tracked.activity = ++this.#activityCounter;
    this.#release(tracked.log.add(message, options.provisional));
    this.#afterProgress(tracked);
  }

  history(frame: HistoryFrame): void {
    const request = this.#requests.get(frame.ref);
    this.#requests.delete(frame.ref);
    const tracked = this.#tracked.get(frame.conversationId);
    if (tracked !== undefined) {
      const { log } = tracked;
      log.noteLastSeq(frame.lastSeq);
      for (const message of frame.messages) {
        if (message.conversationId === frame.conversationId) this.#release(log.add(message));
      }
      if (request?.conversationId === frame.conversationId) {
        // A page covers up to its last message; the last page covers the whole log (lastSeq).
        const lastReturned = frame.messages.at(-1)?.seq ?? request.afterSeq;
        const through = frame.hasMore ? lastReturned : Math.max(lastReturned, frame.lastSeq);
        this.#release(log.coverRange(request.afterSeq, through));
      }
      if (request?.auto === true && tracked.fetchRef === frame.ref) {
        tracked.fetchRef = null;
        if (log.contiguousSeq <= request.afterSeq && (log.isBehind || log.hasGap)) {
          tracked.stalled = true;
          this.#host.problem(
            'history_stalled',
            `history of ${frame.conversationId} made no progress after seq ${request.afterSeq}`,
          );
        } else {
          this.#catchUp(tracked);
        }
      }
    }
    request?.resolve?.(frame);
  }

  /** Returns false when `ref` is not one of our fetches. */
  fetchFailed(ref: string, code: ErrorCode, message: string): boolean {
    const request = this.#requests.get(ref);
    if (request === undefined) return false;
    this.#requests.delete(ref);
    request.reject?.(new ParleyError(code, message, ref));
    const tracked = this.#tracked.get(request.conversationId);
    if (!request.auto || tracked?.fetchRef !== ref) return true;
    tracked.fetchRef = null;
    if (TRANSIENT_SEND_ERRORS.has(code)) {
      tracked.retryTimer = setTimeout(() => {
        tracked.retryTimer = null;
        this.#catchUp(tracked);
      }, this.#options.retryDelayMs());
    } else {
      tracked.stalled = true;
      this.#host.problem(code, `cannot fetch the history of ${request.conversationId}: ${message}`);
    }
    return true;
  }

  /** An explicit page request; its messages also feed the log when the conversation is followed. */
  fetchHistory(conversationId: string, afterSeq: number, limit: number): Promise<HistoryFrame> {
    if (!this.#open) {
      return Promise.reject(new ParleyError('not_connected', 'history can only be fetched while connected'));
    }
    return new Promise((resolve, reject) => {
      const ref = this.#nextRef();
      this.#requests.set(ref, { conversationId, afterSeq, auto: false, resolve, reject });
      this.#host.send({ t: 'fetch', ref, conversationId, afterSeq, limit });
    });
  }

  #track(conversationId: string): Tracked {
    const tracked: Tracked = {
      log: new ConversationLog(conversationId),
      activity: ++this.#activityCounter,
      fetchRef: null,
      pushWait: null,
      probe: false,
      stalled: false,
      retryTimer: null,
    };
    this.#tracked.set(conversationId, tracked);
    return tracked;
  }

  #release(messages: readonly Message[]): void {
    for (const message of messages) this.#host.released(message);
  }

  #afterProgress(tracked: Tracked): void {
    const { log } = tracked;
    if (!log.isBehind && !log.hasGap && !tracked.probe) {
      this.#stopWaiting(tracked);
      return;
    }
    const wait = tracked.pushWait;
    // A gap is certain loss (the server sends in seq order); being behind during a resume push is not.
    if (wait !== null && !log.hasGap && log.contiguousSeq < wait.pushEnd) {
      this.#awaitPush(tracked, wait.pushEnd);
      return;
    }
    this.#fetch(tracked);
  }

  #catchUp(tracked: Tracked): void {
    const { log } = tracked;
    if (tracked.probe || log.isBehind || log.hasGap) this.#fetch(tracked);
  }

  #awaitPush(tracked: Tracked, pushEnd: number): void {
    this.#stopWaiting(tracked);
    const timer = setTimeout(() => {
      tracked.pushWait = null;
      this.#catchUp(tracked);
    }, this.#options.resumeGraceMs);
    tracked.pushWait = { timer, pushEnd };
  }

  #fetch(tracked: Tracked): void {
    if (!this.#open || tracked.fetchRef !== null || tracked.stalled || tracked.retryTimer !== null) return;
    this.#stopWaiting(tracked);
    tracked.probe = false;
    const ref = this.#nextRef();
    const { conversationId, contiguousSeq: afterSeq } = tracked.log;
    tracked.fetchRef = ref;
    this.#requests.set(ref, { conversationId, afterSeq, auto: true });
    this.#host.send({ t: 'fetch', ref, conversationId, afterSeq, limit: this.#options.fetchLimit });
  }

  #stopWaiting(tracked: Tracked): void {
    if (tracked.pushWait !== null) clearTimeout(tracked.pushWait.timer);
    tracked.pushWait = null;
  }

  #clearTimers(tracked: Tracked): void {
    this.#stopWaiting(tracked);
    if (tracked.retryTimer !== null) clearTimeout(tracked.retryTimer);
    tracked.retryTimer = null;
  }

  #nextRef(): string {
    this.#refCounter += 1;
    return `f${this.#refCounter}`;
  }
}
