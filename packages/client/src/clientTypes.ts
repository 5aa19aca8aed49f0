import type {
  Ack,
  ConversationForAgent,
  ConversationForVisitor,
  ErrorCode,
  Message,
  ServerFrameOf,
  Visitor,
  Welcome,
} from '@parley/protocol';
import type { ConnectionState } from './Connection';
import type { ParleyError, ParleyErrorCode } from './errors';
import type { PendingMessage } from './Outbox';

export type Conversation = ConversationForAgent | ConversationForVisitor;
export type TypingEvent = ServerFrameOf<'typing'>;
export type ReadEvent = ServerFrameOf<'read'>;
export type ByeEvent = ServerFrameOf<'bye'>;

export interface AuthFailedEvent {
  /** 4401 (credentials) or 4403 (origin, protocol version, one-time password). */
  closeCode: number;
  reason: string;
  /**
   * The code of the `error` frame the server sent right before closing, when it sent one:
   * `unauthorized` (sign in again, or start a new visitor session), `password_change_required`
   * (change the password, then connect again), `origin_not_allowed`, `unsupported_version`, ...
   */
  code?: ErrorCode;
}

export interface ClientErrorEvent {
  code: ParleyErrorCode;
  message: string;
  ref?: string;
  /** `server`: an error frame nobody was waiting for; `client`: something this client noticed. */
  source: 'server' | 'client';
}

export interface ClientEvents {
  state: ConnectionState;
  /** After the client applied it (conversations and resume are up to date). */
  welcome: Welcome;
  /** A message of a followed conversation: each seq once, in seq order per conversation. */
  message: Message;
  /** A live message of a conversation this client does not follow (agents): no ordering guarantee. */
  activity: Message;
  /** The server stored one of our messages. Derived from our own `msg` when it overtakes the ack. */
  ack: { ack: Ack; pending: PendingMessage };
  /** The server refused one of our messages for good; it has left the outbox. */
  sendFailed: { pending: PendingMessage; error: ParleyError };
  /**
   * A conversation summary changed: a `conversation` frame, a read mark (a `read` frame, or our own
   * `markRead`, applied at once), or a welcome whose summary the client amended with a read mark of
   * ours that the server has not stored yet. The payload is what `conversation(id)` now returns.
   */
  conversation: Conversation;
  typing: TypingEvent;
  /** Emitted after the client applied it to the summary (see `conversation`). */
  read: ReadEvent;
  error: ClientErrorEvent;
  bye: ByeEvent;
  /** The server refused the credentials or the origin (close 4401/4403); the client is closed. */
  authFailed: AuthFailedEvent;
  /**
   * Agents: a visitor of one of their sites changed (page, identity, attributes, form values). The
   * payload is the whole visitor as it is now: replace what you hold.
   */
  visitor: Visitor;
  /**
   * Agents: conversations were deleted on the server (the visitor was erased, or retention). The
   * client has forgotten them already; drop them from the UI.
   */
  removed: { conversationIds: string[]; reason: string };
}

export interface SendOptions {
  /** Required for agents; a visitor may omit it to write into its open conversation or start one. */
  conversationId?: string;
  /** Agents only: a note for colleagues. */
  private?: boolean;
  /** Ids of files uploaded beforehand (`uploadFile`); the body may then be empty. */
  attachmentIds?: readonly string[];
}

export interface SendHandle {
  clientMsgId: string;
  /**
   * Resolves once the server has durably stored the message; rejects with a `ParleyError` on a
   * permanent refusal (also reported as `sendFailed`) or with code `client_closed` when the client
   * is closed first, in which case the message stays in the persisted outbox.
   */
  acked: Promise<Ack>;
}
