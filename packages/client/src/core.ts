/**
 * The browser entry with a byte budget (the widget): the client with the structural codec, and
 * nothing that imports the protocol's zod schemas. Everything here is also exported by `index.ts`.
 */
export { ParleyClientCore } from './ParleyClientCore';
export { structuralCodec } from './codec';
export type { FrameCodec } from './codec';
export { CLIENT_EVENT_TYPES, onEveryEvent } from './events';
export type { ClientEvent } from './events';
export type { ClientAuth, ParleyClientOptions } from './clientOptions';
export type {
  ClientEvents,
  Conversation,
  ReadEvent,
  SendHandle,
  SendOptions,
  TypingEvent,
} from './clientTypes';
export type { ConnectionState } from './Connection';
export { Outbox } from './Outbox';
export type { OutboxPersistence, PendingMessage } from './Outbox';
export type { StorageLike } from './MemoryStorage';
export { createBackoff } from './backoff';
export { ParleyError } from './errors';
export { checkSend } from './sendCheck';
export { websocketUrl } from './websocketUrl';
export { randomUuid } from './uuid';
