/**
 * The few members of a WebSocket this library touches. Both the browser's `WebSocket` and the `ws`
 * package's class satisfy it, so the client runs anywhere without importing a socket library.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<{ readonly data: unknown }> | null;
  onclose: EventHandler<{ readonly code: number; readonly reason: string }> | null;
  onerror: EventHandler<unknown> | null;
}

/**
 * Handlers are declared through a method so that TypeScript compares them bivariantly: the DOM and
 * `ws` declare richer event types than the structural ones above, and both must be accepted.
 */
type EventHandler<E> = { handle(event: E): void }['handle'];

export interface SocketOptions {
  /** Node only (`ws`): extra headers on the upgrade request, e.g. an agent's session cookie. */
  headers: Record<string, string>;
}

/** Browsers' `WebSocket` and `ws`'s both fit; the second (options) argument is only used with `ws`. */
export type WebSocketConstructor = new (url: string) => SocketLike;

/** `ws` accepts options as the second argument; browsers would read it as sub-protocols. */
export type WebSocketConstructorWithOptions = new (url: string, options: SocketOptions) => SocketLike;

/** `readyState` value of an open socket (the same in every implementation). */
export const SOCKET_OPEN = 1;
