import type { ClientEvent, Conversation } from '@parley/client';
import type { ConversationForAgent } from '@parley/protocol';
import { byeEnd, refusalEnd, type AppEnd } from './appEnd';
import type { ComposerStore } from './ComposerStore';
import type { ConnectionStore } from './ConnectionStore';
import type { DirectoryStore } from './DirectoryStore';
import { visitorTitle, type InboxStore } from './InboxStore';
import type { Attention, NotificationCenter } from './NotificationCenter';
import type { TypingStore } from './TypingStore';
import type { VisitorStore } from './VisitorStore';
import type { LiveVisitorsStore } from './LiveVisitorsStore';

/** The stores a client event can change, and the two things they need from the page. */
export interface ConsoleStores {
  readonly inbox: InboxStore;
  readonly typing: TypingStore;
  readonly connection: ConnectionStore;
  readonly composer: ComposerStore;
  readonly directory: DirectoryStore;
  readonly notifications: NotificationCenter;
  readonly visitors: VisitorStore;
  readonly live: LiveVisitorsStore;
  attention(): Attention;
  /** The server ended this console's session (sign-out elsewhere, deactivation, refused socket). */
  end(end: AppEnd): void;
}

/** The one place where a client event becomes a change of the console's state. */
export function applyEvent(s: ConsoleStores, event: ClientEvent, now: number): void {
  switch (event.type) {
    case 'state':
      s.connection.clientState(event.payload);
      break;
    case 'welcome':
      if (event.payload.agent !== undefined) s.directory.setMe(event.payload.agent);
      s.inbox.reset(event.payload.conversations.filter(isAgentView), s.attention().selectedId);
      break;
    case 'conversation': {
      const summary = event.payload;
      if (!isAgentView(summary)) break;
      const before = s.inbox.get(summary.id);
      const added = s.inbox.upsert(summary);
      const me = s.directory.me.id;
      if (added && summary.status !== 'closed' && s.inbox.isForMe(summary.id)) {
        s.notifications.newConversation(summary, visitorTitle(summary), s.attention());
      } else if (
        before !== undefined &&
        before.assigneeId !== me &&
        summary.assigneeId === me &&
        summary.status !== 'closed'
      ) {
        // Assigned or transferred to this agent (by a colleague, or by the agent elsewhere).
        s.notifications.assignedToMe(summary, visitorTitle(summary), s.attention());
      }
      break;
    }
    case 'message': // a conversation this console follows (one that was opened): history and live
    case 'activity': {
      // any other conversation of our sites, live
      const message = event.payload;
      const known = s.inbox.get(message.conversationId);
      const live = known !== undefined && message.seq > known.lastSeq;
      s.inbox.message(message);
      s.typing.messageFrom(message.conversationId, message.author);
      if (live && s.inbox.isForMe(message.conversationId)) {
        s.notifications.newMessage(message, visitorTitle(known), s.attention());
      }
      break;
    }
    case 'typing':
      if (event.payload.author.kind === 'agent' && event.payload.author.id === s.directory.me.id) break;
      s.typing.note(event.payload, now);
      break;
    case 'sendFailed': {
      const { pending, error } = event.payload;
      if (pending.conversationId !== undefined) {
        s.composer.notice(pending.conversationId, sendFailedText(error.code, error.message));
      }
      break;
    }
    case 'visitor': {
      const at = new Date(now).toISOString();
      s.visitors.update(event.payload, at);
      s.live.update(event.payload, at);
      break;
    }
    case 'removed':
      s.inbox.remove(event.payload.conversationIds);
      break;
    case 'ack':
      break; // the `message` event that follows puts it in the log
    case 'read':
      break; // the client applies it to the summary: a `conversation` event follows if it counts
    case 'error':
      break; // unanswered server errors: nothing an agent can act on
    case 'bye':
      if (!event.payload.reconnect) s.end(byeEnd(event.payload));
      break;
    case 'authFailed':
      s.end(refusalEnd(event.payload));
      break;
  }
}

/** An agent's client only ever receives agent views; the union type comes from the shared client. */
export function isAgentView(c: Conversation): c is ConversationForAgent {
  return 'visitorId' in c;
}

function sendFailedText(code: string, message: string): string {
  if (code === 'conversation_closed') return 'Not sent: this conversation is closed. Reopen it to reply.';
  return `Not sent: ${message}`;
}
