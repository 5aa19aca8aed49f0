import type { ClientFrame, Decoded, ErrorCode, ServerFrame, Welcome } from '@parley/protocol';
import type { Backoff } from './backoff';
import {
  SOCKET_OPEN,
  type SocketLike,
  type WebSocketConstructor,
  type WebSocketConstructorWithOptions,
} from './socket';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Close codes after which retrying cannot help: the credentials or the origin were refused. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403]);

/**
 * Errors answering a hello that the server follows with a fatal close (4401/4403); we wait for that
 * close. Any other error before the welcome leaves the socket useless: we drop it and retry.
 */
const HELLO_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'unauthorized',
  'forbidden',
  'origin_not_allowed',
  'unsupported_version',
  'password_change_required',
]);

const CLOSE_NORMAL = 1000;
/**
 * Ours, in the application range: we gave up on the socket (it stopped answering, never said
 * welcome, answered the hello with an error, or went quiet after the browser went offline). The
 * server uses 4000 (access changed), 4401, 4403 and 4408, never this one.
 */
export const CLOSE_ABANDONED = 4499;

export interface ConnectionOptions {
  /** Several nodes without a load balancer: each new attempt goes to the next one. */
  urls: readonly string[];
  WebSocketImpl: WebSocketConstructor;
  headers: Record<string, string> | undefined;
  backoff: Backoff;
  random: () => number;
  /** Socket creation → welcome; past it the attempt is abandoned. */
  connectTimeoutMs: number;
  /** After `bye {reconnect: true}`: reconnect within a random delay up to this. */
  reconnectSoonMs: number;
  /** Browsers: after an `offline` event, how long a ping may go unanswered before the socket is dropped. */
  offlineProbeMs: number;
  /** JSON text → a server frame, or why not (the codec the client was built with). */
  decode(text: string): Decoded<ServerFrame>;
}

export interface ConnectionHandlers {
  /** Built at each attempt, so that `resume` reflects what the client has by then. */
  hello(): ClientFrame;
  /** Every valid frame, the welcome included, after the connection has applied it. */
  frame(frame: ServerFrame): void;
  /** Something went wrong locally (an unreadable frame, a socket that cannot be created). */
  problem(code: ErrorCode, message: string): void;
  state(state: ConnectionState): void;
  /** A socket ended (or an attempt failed) and the connection will retry. */
  lost(): void;
  /**
   * The server refused us for good (close code 4401/4403). `code` is that of the `error` frame (one
   * without a `ref`: the refusal of the hello) that came right before the close, when there was one.
   */
  refused(closeCode: number, reason: string, code: ErrorCode | undefined): void;
}

const noop = (): void => undefined;

/**
 * One logical connection over successive sockets: hello/welcome, heartbeat, and reconnection with
 * backoff until `stop()` or a fatal refusal. It knows nothing of messages or conversations.
 */
export class Connection {
  readonly #options: ConnectionOptions;
  readonly #handlers: ConnectionHandlers;
  #state: ConnectionState = 'idle';
  #socket: SocketLike | null = null;
  #welcomed = false;
  #connectTimer: ReturnType<typeof setTimeout> | null = null;
  #livenessTimer: ReturnType<typeof setTimeout> | null = null;
  #livenessMs = 0;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #probeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The code of the current socket's last frame, if that was an `error` without a `ref`. */
  #refusal: ErrorCode | undefined = undefined;
  #unwatchOnline: () => void = noop;
  /** Which of `urls` the next attempt uses; starts at a random one so clients spread over nodes. */
  #next: number;

  constructor(options: ConnectionOptions, handlers: ConnectionHandlers) {
    if (options.urls.length === 0) throw new TypeError('at least one url is needed');
    this.#options = options;
    this.#handlers = handlers;
    this.#next = Math.floor(options.random() * options.urls.length) % options.urls.length;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Welcomed and writable: frames sent now reach the server (or fail with this socket). */
  get isOpen(): boolean {
    return this.#welcomed && this.#socket?.readyState === SOCKET_OPEN;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#unwatchOnline = this.#watchOnline();
    this.#attempt('connecting');
  }

  stop(): void {
    if (this.#state === 'closed') return;
    this.#halt();
  }

  /** Returns false, dropping the frame, when not open. */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen || this.#socket === null) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  #attempt(state: 'connecting' | 'reconnecting'): void {
    this.#reconnectTimer = null;
    this.#setState(state);
    const { urls, WebSocketImpl, headers } = this.#options;
    const url = urls[this.#next % urls.length] ?? '';
    // A failed or ended socket sends the next attempt to the next node (a no-op with one url).
    this.#next = (this.#next + 1) % urls.length;
    let socket: SocketLike;
    try {
      socket =
        headers === undefined
          ? new WebSocketImpl(url)
          : new (WebSocketImpl as unknown as WebSocketConstructorWithOptions)(url, { headers });
    } catch (error) {
      this.#handlers.problem('internal', `cannot open a WebSocket: ${String(error)}`);
      this.#retry(this.#options.backoff.next());
      return;
    }
    this.#socket = socket;
    this.#refusal = undefined;
    socket.onopen = () => {
      if (socket === this.#socket) socket.send(JSON.stringify(this.#handlers.hello()));
    };
    socket.onmessage = (event) => this.#receive(socket, event.data);
    socket.onclose = (event) => this.#closed(socket, event.code, event.reason);
    // Every error is followed by a close event, which is where we react.
    socket.onerror = noop;
    this.#connectTimer = setTimeout(() => this.#abandon(socket), this.#options.connectTimeoutMs);
  }

  #receive(socket: SocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    this.#armLiveness();
    this.#clearTimer('probe');
    if (typeof data !== 'string') {
      this.#handlers.problem('bad_frame', 'binary frames are not part of the protocol');
      return;
    }
    const decoded = this.#options.decode(data);
    if (!decoded.ok) {
      this.#handlers.problem(decoded.code, `ignored a frame from the server: ${decoded.message}`);
      return;
    }
    const frame = decoded.value;
    // The server refuses a hello with a ref-less error and closes right behind it.
    this.#refusal = frame.t === 'error' && frame.ref === undefined ? frame.code : undefined;
    if (frame.t === 'welcome') {
      if (this.#welcomed) this.#handlers.problem('bad_frame', 'ignored a second welcome on the same socket');
      else this.#welcome(frame);
      return;
    }
    this.#handlers.frame(frame);
    if (socket !== this.#socket || this.#state === 'closed') return;
    if (frame.t === 'error' && !this.#welcomed && !HELLO_REFUSALS.has(frame.code)) {
      this.#abandon(socket);
      return;
    }
    if (frame.t === 'bye') {
      if (frame.reconnect) {
        // A node going down sends bye to all its clients at once: spread their returns.
        this.#abandon(
          socket,
          CLOSE_NORMAL,
          Math.floor(this.#options.random() * this.#options.reconnectSoonMs),
        );
      } else {
        this.#halt();
      }
    }
  }

  #welcome(frame: Welcome): void {
    this.#clearTimer('connect');
    this.#welcomed = true;
    this.#options.backoff.reset();
    this.#livenessMs = 2 * frame.heartbeatMs;
    this.#armLiveness();
    // The server drops sockets silent for 2×heartbeat; pinging at half a heartbeat leaves margin.
    this.#pingTimer = setInterval(
      () => this.send({ t: 'ping' }),
      Math.max(1, Math.floor(frame.heartbeatMs / 2)),
    );
    this.#state = 'open';
    this.#handlers.frame(frame);
    // Announced after the welcome is applied, so that listeners see the client's fresh state; unless
    // a welcome listener closed the client meanwhile.
    if (this.state === 'open') this.#handlers.state('open');
  }

  #closed(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    if (this.#state === 'closed') return;
    if (FATAL_CLOSE_CODES.has(code)) {
      this.#handlers.refused(code, reason, this.#refusal);
      this.stop();
      return;
    }
    this.#retry(this.#options.backoff.next());
  }

  /** Gives up on a socket without waiting for its close handshake, which a dead peer never completes. */
  #abandon(socket: SocketLike, code = CLOSE_ABANDONED, delayMs = this.#options.backoff.next()): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    discard(socket, code);
    this.#retry(delayMs);
  }

  #retry(delayMs: number): void {
    this.#clearSocketTimers();
    this.#welcomed = false;
    this.#handlers.lost();
    // A `lost` handler may have closed the client.
    if (this.#state === 'closed') return;
    this.#setState('reconnecting');
    this.#reconnectTimer = setTimeout(() => this.#attempt('reconnecting'), delayMs);
  }

  #halt(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) discard(socket, CLOSE_NORMAL);
    this.#clearSocketTimers();
    this.#clearTimer('reconnect');
    this.#unwatchOnline();
    this.#unwatchOnline = noop;
    const wasWelcomed = this.#welcomed;
    this.#welcomed = false;
    if (wasWelcomed || socket !== null) this.#handlers.lost();
    this.#setState('closed');
  }

  #armLiveness(): void {
    if (!this.#welcomed) return;
    this.#clearTimer('liveness');
    const socket = this.#socket;
    if (socket === null) return;
    this.#livenessTimer = setTimeout(() => this.#abandon(socket), this.#livenessMs);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#handlers.state(state);
  }

  #clearSocketTimers(): void {
    this.#clearTimer('connect');
    this.#clearTimer('liveness');
    this.#clearTimer('probe');
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #clearTimer(which: 'connect' | 'liveness' | 'reconnect' | 'probe'): void {
    const timer =
      which === 'connect'
        ? this.#connectTimer
        : which === 'liveness'
          ? this.#livenessTimer
          : which === 'reconnect'
            ? this.#reconnectTimer
            : this.#probeTimer;
    if (timer !== null) clearTimeout(timer);
    if (which === 'connect') this.#connectTimer = null;
    else if (which === 'liveness') this.#livenessTimer = null;
    else if (which === 'reconnect') this.#reconnectTimer = null;
    else this.#probeTimer = null;
  }

  /**
   * The browser says the network is gone, but an open socket notices nothing until a write fails or
   * the liveness timer runs out (two heartbeats): meanwhile the UI would show "connected". A ping
   * settles it: any frame within `offlineProbeMs` proves the socket alive (the network may well be
   * there, `offline` is only a hint); otherwise it is dropped and the connection goes
   * `reconnecting`, which ends at the `online` event or at the end of the backoff.
   */
  #probe(): void {
    const socket = this.#socket;
    if (socket === null || !this.isOpen || this.#probeTimer !== null) return;
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      this.#abandon(socket);
    }, this.#options.offlineProbeMs);
    this.send({ t: 'ping' });
  }

  /**
   * Browsers: when the network comes back, retry now rather than at the end of a long backoff; when
   * it goes, check at once whether the socket survived (`#probe`). Elsewhere (Node), nothing.
   */
  #watchOnline(): () => void {
    const scope = globalThis as {
      addEventListener?: (type: string, listener: () => void) => void;
      removeEventListener?: (type: string, listener: () => void) => void;
      navigator?: { onLine?: unknown };
    };
    const { addEventListener, removeEventListener } = scope;
    if (
      typeof addEventListener !== 'function' ||
      typeof removeEventListener !== 'function' ||
      typeof scope.navigator?.onLine !== 'boolean'
    ) {
      return noop;
    }
    const online = (): void => {
      if (this.#state === 'reconnecting' && this.#reconnectTimer !== null) {
        this.#clearTimer('reconnect');
        this.#attempt('reconnecting');
      }
    };
    const offline = (): void => this.#probe();
    try {
      addEventListener.call(globalThis, 'online', online);
      addEventListener.call(globalThis, 'offline', offline);
    } catch {
      // An environment that only looks like a browser: go without the hints.
      return noop;
    }
    return () => {
      try {
        removeEventListener.call(globalThis, 'online', online);
        removeEventListener.call(globalThis, 'offline', offline);
      } catch {
        // Nothing to undo then.
      }
    };
  }
}

/**
 * Detaches our handlers and closes. An unresponsive socket is terminated where the implementation
 * allows it (`ws`), because its close handshake would wait for a peer that is not answering.
 */
function discard(socket: SocketLike, code: number): void {
  socket.onopen = noop;
  socket.onmessage = noop;
  socket.onclose = noop;
  // Kept as a function: `ws` throws on an 'error' event nobody listens to.
  socket.onerror = noop;
  const terminable = socket as SocketLike & { terminate?: unknown };
  try {
    if (code !== CLOSE_NORMAL && typeof terminable.terminate === 'function') {
      (terminable.terminate as () => void).call(socket);
    } else {
      socket.close(code);
    }
  } catch {
    // Closing an already failed socket may throw in some implementations; it is gone either way.
  }
}
