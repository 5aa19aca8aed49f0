import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema';
import type { Clock } from '../src/shared/clock';

/**
 * Factories for analytics tests: conversations and status histories written straight into the
 * log with known timestamps, and a clock that stands still where the test puts it.
 */

export const at = (isoTime: string): number => {
  const t = Date.parse(isoTime);
  if (Number.isNaN(t)) throw new Error(`not a time: ${isoTime}`);
  return t;
};

export class FakeClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
}

export interface MessageSpec {
  kind: 'visitor' | 'agent' | 'bot' | 'system';
  at: number;
  private?: boolean;
  authorId?: string | null;
}

export interface ConversationSpec {
  siteId: string;
  createdAt: number;
  source?: 'chat' | 'offline_form' | 'proactive';
  status?: 'open' | 'pending' | 'closed';
  assigneeId?: string | null;
  departmentId?: string | null;
  closedAt?: number | null;
  rating?: 'good' | 'bad' | null;
  waitingSince?: number | null;
  visitorName?: string | null;
  messages: MessageSpec[];
}

/**
 * The facts of a log that the send path writes to the conversation row (migration 007), by their
 * definition in docs/analytics.md: the first public visitor message, the first public human-agent
 * message at or after it, and the public messages that are not system lines.
 */
export function logFacts(messages: readonly MessageSpec[]) {
  const published = messages.filter((m) => m.private !== true);
  const visitor = published.filter((m) => m.kind === 'visitor').map((m) => m.at);
  const firstVisitorAt = visitor.length === 0 ? null : Math.min(...visitor);
  const replies = published
    .filter((m) => m.kind === 'agent' && firstVisitorAt !== null && m.at >= firstVisitorAt)
    .map((m) => m.at);
  return {
    first_visitor_at: firstVisitorAt,
    first_reply_at: replies.length === 0 ? null : Math.min(...replies),
    public_messages: published.filter((m) => m.kind !== 'system').length,
  };
}

export async function seedConversation(db: Kysely<DB>, spec: ConversationSpec): Promise<string> {
  const visitorId = randomUUID();
  const id = randomUUID();
  const last = spec.messages.at(-1)?.at ?? spec.createdAt;
  await db
    .insertInto('visitors')
    .values({
      id: visitorId,
      site_id: spec.siteId,
      token_hash: randomUUID(),
      external_id: null,
      verified: 0,
      department_id: null,
      name: spec.visitorName ?? null,
      email: null,
      attributes: '{}',
      user_agent: null,
      last_page_url: null,
      last_page_title: null,
      first_seen_at: spec.createdAt,
      last_seen_at: last,
      socket_seen_at: null,
      visit_started_at: spec.createdAt,
      last_page_at: null,
    })
    .execute();
  const status = spec.status ?? (spec.closedAt != null ? 'closed' : 'open');
  const publicSeqs = spec.messages.map((m, i) => (m.private ? 0 : i + 1));
  await db
    .insertInto('conversations')
    .values({
      id,
      site_id: spec.siteId,
      visitor_id: visitorId,
      status,
      assignee_id: spec.assigneeId ?? null,
      department_id: spec.departmentId ?? null,
      last_seq: spec.messages.length,
      last_public_seq: Math.max(0, ...publicSeqs),
      created_at: spec.createdAt,
      updated_at: last,
      first_response_at: spec.messages.find((m) => m.kind === 'agent' && !m.private)?.at ?? null,
      closed_at: spec.closedAt ?? null,
      last_message_at: last,
      last_message_preview: null,
      rating: spec.rating ?? null,
      rating_comment: null,
      rated_at: spec.rating == null ? null : last,
      source: spec.source ?? 'chat',
      waiting_since: spec.waitingSince ?? null,
      snoozed_until: null,
      ...logFacts(spec.messages),
    })
    .execute();
  if (spec.messages.length > 0) {
    await db
      .insertInto('messages')
      .values(
        spec.messages.map((m, i) => ({
          id: randomUUID(),
          conversation_id: id,
          seq: i + 1,
          author_kind: m.kind,
          author_id: m.kind === 'visitor' ? visitorId : (m.authorId ?? spec.assigneeId ?? null),
          private: m.private ? 1 : 0,
          body: `${m.kind} message ${String(i + 1)}`,
          attachments: '[]',
          client_msg_id: m.kind === 'system' ? null : randomUUID(),
          created_at: m.at,
        })),
      )
      .execute();
  }
  return id;
}

export async function seedStatus(
  db: Kysely<DB>,
  agentId: string,
  changes: readonly (readonly [number, 'online' | 'away' | 'offline'])[],
): Promise<void> {
  await db
    .insertInto('agent_status_log')
    .values(changes.map(([t, status]) => ({ agent_id: agentId, status, at: t })))
    .execute();
}
