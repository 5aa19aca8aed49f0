import type { BackoffOptions } from './backoff';
import type { OutboxPersistence } from './Outbox';
import type { WebSocketConstructor } from './socket';

/** Visitors authenticate in `hello`; agents with their session cookie on the upgrade request. */
export type ClientAuth = { role: 'visitor'; siteKey: string; token: string } | { role: 'agent' };

export interface ParleyClientOptions {
  /**
   * `ws://host/ws` or `wss://host/ws` (see `websocketUrl`). Several nodes without a load balancer:
   * a list; the client starts at a random one and moves to the next whenever a socket fails or
   * the node says `bye` (shutting down), so it always resumes on a node that is up.
   */
  url: string | readonly string[];
  auth: ClientAuth;
  /** Defaults to `globalThis.WebSocket`; in Node pass `WebSocket` from the `ws` package. */
  WebSocketImpl?: WebSocketConstructor;
  /** Node (`ws`) only: headers of the upgrade request, e.g. `{ cookie }` from `login()`. */
  headers?: Record<string, string>;
  /** Keep the outbox across page reloads (e.g. `{ storage: localStorage, key: 'parley:outbox:<site>' }`). */
  persist?: OutboxPersistence;
  /** Agents: follow every conversation the server tells us about, not only those passed to `follow()`. */
  followAll?: boolean;
  /** Reconnection delays; defaults to 250 ms doubling up to 30 s, with full jitter. */
  backoff?: Partial<BackoffOptions>;
  /** Delays before resending a message the server refused for now (`rate_limited`, `internal`). */
  sendRetry?: Partial<BackoffOptions>;
  /** Socket creation → welcome; default 15 s. */
  connectTimeoutMs?: number;
  /** After `bye {reconnect: true}`, reconnect within a random delay up to this; default 3 s. */
  reconnectSoonMs?: number;
  /**
   * Browsers: after the window's `offline` event the client pings, and drops the socket (going
   * `reconnecting`) if no frame arrives within this delay; default 3 s.
   */
  offlineProbeMs?: number;
  /** How long a resume push may pause before the rest is fetched instead; default 1 s. */
  resumeGraceMs?: number;
  /** Page size of gap fetches; default and maximum `MAX_PAGE`. */
  fetchLimit?: number;
  /** Minimum time between two typing frames of one conversation; default 1 s. */
  typingIntervalMs?: number;
  /** Read marks made within this delay are coalesced into one frame; default 250 ms. */
  readDelayMs?: number;
  /** Source of jitter; tests inject their own. */
  random?: () => number;
}
