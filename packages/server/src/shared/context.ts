import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../db/schema';
import type { Dialect } from '../db/dialect';
import type { Clock } from './clock';
import type { EventBus } from './events';
import type { Metrics } from '../ops/metrics';
import type { GroupCommitter } from '../db/groupCommit';
import type { Presence } from '../presence/presence';

/** Everything an action needs, passed explicitly: no module-level singletons, so tests build their own. */
export interface AppContext {
  db: Kysely<DB>;
  dialect: Dialect;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Shared transactions for the hot write path (message sends): see db/groupCommit.ts. */
  commits: GroupCommitter;
  /** Which agents are connected (this node, or the cluster through Redis). */
  presence: Presence;
}

/** Who is acting. Agents carry their role and the sites they may see ('all' for owners and admins). */
export type Actor =
  | {
      kind: 'agent';
      id: string;
      name: string;
      role: 'owner' | 'admin' | 'agent';
      siteIds: ReadonlySet<string> | 'all';
      sessionId: string | null;
    }
  | { kind: 'visitor'; id: string; siteId: string; name: string | null }
  | { kind: 'system' };

export type AgentActor = Extract<Actor, { kind: 'agent' }>;
export type VisitorActor = Extract<Actor, { kind: 'visitor' }>;
