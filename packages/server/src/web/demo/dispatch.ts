import type { ClientEvent } from '@parley/client';
import type { VisitorChatStore } from './chatStore';

/** The one place where a client event becomes a change of the chat's state. */
export function applyEvent(store: VisitorChatStore, event: ClientEvent, now: number): void {
  switch (event.type) {
    case 'state':
      store.connection(event.payload);
      break;
    case 'welcome':
      store.welcome(event.payload);
      break;
    case 'conversation':
      store.conversation(event.payload);
      break;
    case 'message':
      store.message(event.payload);
      break;
    case 'typing':
      store.typed(event.payload, now);
      break;
    case 'sendFailed':
      store.sendFailed(event.payload.error.message);
      break;
    case 'read': // the client raises the summary's `peerReadSeq`: a `conversation` event follows
    case 'ack': // the `message` event that follows puts it in the log
    case 'activity': // agents only
    case 'error': // nothing the visitor can act on; the connection state says the rest
    case 'bye':
    case 'authFailed': // the page starts a new session (see demo.ts)
      break;
  }
}
