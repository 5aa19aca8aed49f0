import type { Agent } from '@parley/protocol';
import { iso } from '../shared/clock';
import type { AgentRow } from './store';

/** An agent as other agents and admins see it. Never includes the password hash or lockout state. */
export function presentAgent(row: AgentRow, siteIds: readonly string[]): Agent {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    maxChats: row.max_chats,
    avatarUrl: row.avatar_url,
    active: row.active === 1,
    mustChangePassword: row.must_change_password === 1,
    siteIds: [...siteIds],
    createdAt: iso(row.created_at),
  };
}
