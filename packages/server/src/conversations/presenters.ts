import type { ConversationForAgent, ConversationForVisitor, Message } from '@parley/protocol';
import { iso, isoOrNull } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { AgentConversationRow, MessageRow, VisitorConversationRow } from './store';

export function presentMessage(row: MessageRow, authorName: string | null): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    author: { kind: row.author_kind, id: row.author_id, name: authorName },
    body: row.body,
    private: row.private === 1,
    attachments: parseJsonColumn<Message['attachments']>(row.attachments, []),
    clientMsgId: row.client_msg_id,
    at: iso(row.created_at),
  };
}

/**
 * The visitor-facing form of a message, or null when the visitor must not see it at all. Every
 * path that hands a message to a visitor goes through here: private notes never leave for them.
 */
export function presentMessageForVisitor(m: Message): Message | null {
  if (m.private) return null;
  // The client id of an agent's message is the agent's business, not the visitor's.
  return m.author.kind === 'visitor' ? m : { ...m, clientMsgId: null };
}

export function presentConversationForAgent(
  row: AgentConversationRow,
  ownReadSeq: number,
  tagIds: readonly string[],
): ConversationForAgent {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    visitorName: row.visitor_name,
    visitorEmail: row.visitor_email,
    status: row.status,
    assigneeId: row.assignee_id,
    departmentId: row.department_id,
    lastSeq: row.last_seq,
    readSeq: ownReadSeq,
    peerReadSeq: row.peer_read_seq ?? 0,
    lastMessageAt: isoOrNull(row.last_message_at),
    lastMessagePreview: row.last_message_preview,
    source: row.source,
    rating: row.rating,
    ratingComment: row.rating_comment,
    createdAt: iso(row.created_at),
    firstResponseAt: isoOrNull(row.first_response_at),
    closedAt: isoOrNull(row.closed_at),
    waitingSince: isoOrNull(row.waiting_since),
    snoozedUntil: isoOrNull(row.snoozed_until),
    tagIds: [...tagIds],
  };
}

export function presentConversationForVisitor(row: VisitorConversationRow): ConversationForVisitor {
  return {
    id: row.id,
    // Pending is the team's own bookkeeping (waiting for the visitor): visitors see it open.
    status: row.status === 'pending' ? 'open' : row.status,
    lastSeq: row.last_public_seq,
    readSeq: row.own_read_seq ?? 0,
    peerReadSeq: row.peer_read_seq ?? 0,
    assignee: row.assignee_name === null ? null : { name: row.assignee_name, avatarUrl: row.assignee_avatar },
    rating: row.rating,
    createdAt: iso(row.created_at),
    closedAt: isoOrNull(row.closed_at),
  };
}
