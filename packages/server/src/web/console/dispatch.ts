import type { Conversation } from '@parley/client';
import type { ConversationForAgent } from '@parley/protocol';
import type { ClientEvent } from '@parley/client';
import type { ConsoleStore } from './consoleStore';

/** The one place where a client event becomes a change of the console's state. */
export function applyEvent(store: ConsoleStore, event: ClientEvent, now: number): void {
  switch (event.type) {
    case 'state':
      store.connection(event.payload);
      break;
    case 'welcome': {
      if (event.payload.agent !== undefined) store.me = event.payload.agent;
      store.inbox.reset(event.payload.conversations.filter(isAgentView), store.selectedId);
      break;
    }
    case 'conversation':
      if (isAgentView(event.payload)) store.inbox.upsert(event.payload);
      break;
    case 'message': // a conversation this console follows (one that was opened)
    case 'activity': // any other conversation of our sites
      store.message(event.payload);
      break;
    case 'typing':
      store.typed(event.payload, now);
      break;
    case 'sendFailed': {
      const { pending, error } = event.payload;
      if (pending.conversationId !== undefined)
        store.notice(pending.conversationId, sendFailedText(error.code, error.message));
      break;
    }
    case 'read': // the client applies it to the summary: a `conversation` event follows if it counts
    case 'ack': // the `message` event that follows puts it in the log
    case 'error': // unanswered server errors: nothing an agent can act on
    case 'bye': // sign-out is handled by the app (see app.ts)
    case 'authFailed':
      break;
  }
}

/** An agent's client only ever receives agent views; the union type comes from the shared client. */
function isAgentView(c: Conversation): c is ConversationForAgent {
  return 'visitorId' in c;
}

function sendFailedText(code: string, message: string): string {
  if (code === 'conversation_closed') return 'Not sent: this conversation is closed. Reopen it to reply.';
  return `Not sent: ${message}`;
}
