import type { Agent, Author, ConversationForAgent, Message } from '@parley/protocol';

export const ME = { kind: 'agent', id: 'agent-me', name: 'Me' } as const satisfies Author;
export const COLLEAGUE = { kind: 'agent', id: 'agent-2', name: 'Sam' } as const satisfies Author;
export const VISITOR = { kind: 'visitor', id: 'visitor-1', name: null } as const satisfies Author;
export const SYSTEM = { kind: 'system', id: null, name: null } as const satisfies Author;

export const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 12, 0, second)).toISOString();

export function buildConversation(overrides: Partial<ConversationForAgent> = {}): ConversationForAgent {
  return {
    id: 'c1',
    siteId: 'site-1',
    visitorId: '3f2a9c1b-0000-4000-8000-000000000000',
    visitorName: null,
    visitorEmail: null,
    status: 'open',
    assigneeId: null,
    departmentId: null,
    lastSeq: 0,
    readSeq: 0,
    peerReadSeq: 0,
    lastMessageAt: null,
    lastMessagePreview: null,
    source: 'chat',
    rating: null,
    ratingComment: null,
    createdAt: at(0),
    firstResponseAt: null,
    closedAt: null,
    waitingSince: null,
    snoozedUntil: null,
    tagIds: [],
    ...overrides,
  };
}

export function buildMessage(seq: number, author: Author, overrides: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    author,
    body: `message ${seq}`,
    private: false,
    attachments: [],
    clientMsgId: author.kind === 'system' ? null : `cm-${seq}`,
    at: at(seq),
    ...overrides,
  };
}

export function buildAgent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: ME.id,
    email: 'me@example.test',
    name: 'Me',
    role: 'agent',
    status: 'online',
    maxChats: 0,
    avatarUrl: null,
    active: true,
    mustChangePassword: false,
    siteIds: ['site-1'],
    createdAt: at(0),
    ...overrides,
  };
}
