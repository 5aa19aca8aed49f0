import type { Author, AuthorKind, ConversationChangeReason, Message, Visitor } from '@parley/protocol';

/**
 * Domain events. Actions publish them only after their transaction has committed; the realtime
 * gateway (and later webhooks) subscribe. They are plain JSON so that a Redis bus can carry them
 * between nodes unchanged.
 */
export type DomainEvent =
  | { type: 'message.created'; siteId: string; conversationId: string; visitorId: string; message: Message }
  | {
      type: 'conversation.changed';
      siteId: string;
      conversationId: string;
      visitorId: string;
      reason: ConversationChangeReason;
    }
  | {
      type: 'typing';
      siteId: string;
      conversationId: string;
      visitorId: string;
      author: Author;
      preview?: string;
    }
  | {
      type: 'read';
      siteId: string;
      conversationId: string;
      visitorId: string;
      reader: { kind: AuthorKind; id: string };
      seq: number;
    }
  /** Sessions ended (logout everywhere, deactivation): their sockets must close at once. */
  | {
      type: 'agent.signed_out';
      agentId: string;
      sessionIds: string[] | 'all';
      reason: 'session_revoked' | 'deactivated';
    }
  /** Settings that open sockets apply (e.g. sneak peek may be switched off: it must stop at once). */
  | { type: 'site.changed'; siteId: string; sneakPeek: boolean }
  /**
   * A visitor's page, identity, attributes or form values changed. Carries the visitor as agents see
   * it (like `message.created` carries the message), so fan-out reads nothing.
   */
  | {
      type: 'visitor.changed';
      siteId: string;
      visitorId: string;
      reason: 'page' | 'identity' | 'attributes' | 'profile';
      visitor: Visitor;
    }
  /** A visitor was erased (GDPR): its widget connections end at once. */
  | { type: 'visitor.erased'; siteId: string; visitorId: string }
  /** Conversations were deleted (erasure, retention): the site's agents drop them. */
  | {
      type: 'conversations.removed';
      siteId: string;
      conversationIds: string[];
      reason: 'erased' | 'retention';
    }
  /** Role or site membership changed: open sockets must reconnect so that their rights are read again. */
  | { type: 'agent.access_changed'; agentId: string };

export type EventHandler = (event: DomainEvent) => void;

export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}

/** Single-node bus: delivers synchronously to local subscribers; a failing subscriber never affects the publisher. */
export class InProcessBus implements EventBus {
  private readonly handlers = new Set<EventHandler>();

  constructor(
    private readonly onHandlerError: (err: unknown, event: DomainEvent) => void = () => undefined,
  ) {}

  publish(event: DomainEvent): void {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch (err) {
        this.onHandlerError(err, event);
      }
    }
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }
}
