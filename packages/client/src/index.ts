export { ParleyClient } from './ParleyClient';
export { ParleyClientCore } from './ParleyClientCore';
export { structuralCodec, decodeServerFrameStructurally } from './codec';
export type { FrameCodec } from './codec';
export { zodCodec } from './zodCodec';
export { checkSend } from './sendCheck';
export { CLIENT_EVENT_TYPES, onEveryEvent } from './events';
export type { ClientEvent } from './events';
export type { ClientAuth, ParleyClientOptions } from './clientOptions';
export type {
  AuthFailedEvent,
  ByeEvent,
  ClientErrorEvent,
  ClientEvents,
  Conversation,
  ReadEvent,
  SendHandle,
  SendOptions,
  TypingEvent,
} from './clientTypes';
export type { ConnectionState } from './Connection';
export { CLOSE_ABANDONED, FATAL_CLOSE_CODES } from './Connection';
export { ConversationLog } from './ConversationLog';
export type { HistoryFrame } from './ConversationSync';
export { Outbox } from './Outbox';
export type { OutboxPersistence, PendingMessage } from './Outbox';
export { MemoryStorage } from './MemoryStorage';
export type { StorageLike } from './MemoryStorage';
export { backoffDelay, createBackoff, DEFAULT_RECONNECT_BACKOFF } from './backoff';
export type { Backoff, BackoffOptions } from './backoff';
export { createEmitter } from './emitter';
export type { Emitter, Listener } from './emitter';
export { ParleyError, ParleyHttpError, TRANSIENT_SEND_ERRORS } from './errors';
export type { LocalErrorCode, ParleyErrorCode } from './errors';
export { createVisitorSession, login, uploadFile, websocketUrl } from './rest';
export type {
  AgentLogin,
  FetchLike,
  RestOptions,
  UploadCredentials,
  VisitorSession,
  VisitorSessionInput,
} from './rest';
export type { SocketLike, WebSocketConstructor } from './socket';
export { randomUuid } from './uuid';
export type { CryptoLike } from './uuid';
