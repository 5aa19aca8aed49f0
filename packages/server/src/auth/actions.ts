import type { Agent, AgentSession } from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import { hashToken, newId, newToken } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { agentStore, type AgentRow } from '../agents/store';
import { hashPassword, verifyPassword } from '../agents/password';
import { presentAgent } from '../agents/presenters';
import { seesAllSites } from '../agents/policies';
import { sessionStore, type SessionRow } from './store';
import { presentSession } from './presenters';

export const SESSION_TTL_MS = 30 * 24 * 3600_000;
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
const TOUCH_EVERY_MS = 60_000;

// Compared against when the e-mail is unknown, so that timing does not reveal which addresses exist.
let dummyHash: Promise<string> | undefined;

export interface SignedIn {
  token: string;
  session: SessionRow;
  agent: Agent;
  csrfToken: string;
}

export async function login(
  ctx: AppContext,
  email: string,
  password: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<SignedIn> {
  const now = ctx.clock.now();
  const row = await agentStore.byEmail(ctx.db, email);
  if (!row || row.active !== 1) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verifyPassword(password, await dummyHash);
    throw new AppError('invalid_credentials', 'wrong e-mail or password', 401);
  }
  if (row.locked_until !== null && row.locked_until > now) {
    const minutes = Math.ceil((row.locked_until - now) / 60_000);
    throw new AppError('account_locked', `too many failed sign-ins; try again in ${minutes} min`, 429);
  }
  if (!(await verifyPassword(password, row.password_hash))) {
    const failed = row.failed_logins + 1;
    const lock = failed >= MAX_FAILED_LOGINS;
    await agentStore.update(ctx.db, row.id, {
      failed_logins: lock ? 0 : failed,
      locked_until: lock ? now + LOCKOUT_MS : null,
    });
    ctx.log.warn({ agentId: row.id, failed, locked: lock }, 'failed sign-in');
    throw new AppError('invalid_credentials', 'wrong e-mail or password', 401);
  }
  const started = newSession(row.id, meta, now);
  await ctx.db.transaction().execute(async (trx) => {
    await agentStore.update(trx, row.id, { failed_logins: 0, locked_until: null });
    await sessionStore.insert(trx, started.session);
  });
  const sites = await agentStore.siteIdsFor(ctx.db, [row.id]);
  return { ...started, agent: presentAgent(row, sites.get(row.id) ?? []) };
}

/** A session row for an agent who just proved who it is (sign-in, accepted invitation), and its token. */
export function newSession(
  agentId: string,
  meta: { ip: string | null; userAgent: string | null },
  now: number,
): { token: string; session: SessionRow; csrfToken: string } {
  const token = newToken('ps_');
  const session: SessionRow = {
    id: newId(),
    token_hash: hashToken(token),
    agent_id: agentId,
    csrf_token: newToken(),
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
    ip: meta.ip,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_TTL_MS,
  };
  return { token, session, csrfToken: session.csrf_token };
}

export interface ResolvedSession {
  session: SessionRow;
  agent: AgentRow;
  actor: AgentActor;
}

/** Session cookie → agent, or null when unknown, expired, or the agent was deactivated. */
export async function resolveSession(ctx: AppContext, token: string): Promise<ResolvedSession | null> {
  const now = ctx.clock.now();
  const session = await sessionStore.byTokenHash(ctx.db, hashToken(token));
  if (!session || session.expires_at <= now) return null;
  const agent = await agentStore.byId(ctx.db, session.agent_id);
  if (!agent || agent.active !== 1) return null;
  if (now - session.last_seen_at > TOUCH_EVERY_MS) {
    await sessionStore.touch(ctx.db, session.id, now, now + SESSION_TTL_MS);
  }
  return { session, agent, actor: await actorFor(ctx, agent, session.id) };
}

export async function actorFor(
  ctx: AppContext,
  agent: AgentRow,
  sessionId: string | null,
): Promise<AgentActor> {
  let siteIds: AgentActor['siteIds'] = 'all';
  if (!seesAllSites(agent.role)) {
    const sites = await agentStore.siteIdsFor(ctx.db, [agent.id]);
    siteIds = new Set(sites.get(agent.id) ?? []);
  }
  return { kind: 'agent', id: agent.id, name: agent.name, role: agent.role, siteIds, sessionId };
}

export async function logout(ctx: AppContext, actor: AgentActor): Promise<void> {
  if (actor.sessionId === null) return;
  await sessionStore.delete(ctx.db, actor.sessionId);
  ctx.bus.publish({
    type: 'agent.signed_out',
    agentId: actor.id,
    sessionIds: [actor.sessionId],
    reason: 'session_revoked',
  });
}

export async function logoutEverywhere(ctx: AppContext, actor: AgentActor): Promise<void> {
  await sessionStore.deleteForAgent(ctx.db, actor.id);
  ctx.bus.publish({
    type: 'agent.signed_out',
    agentId: actor.id,
    sessionIds: 'all',
    reason: 'session_revoked',
  });
}

/** The agent's own sessions (devices), the current one marked. */
export async function listSessions(ctx: AppContext, actor: AgentActor): Promise<AgentSession[]> {
  const rows = await sessionStore.liveForAgent(ctx.db, actor.id, ctx.clock.now());
  return rows.map((r) => presentSession(r, actor.sessionId));
}

/**
 * Ends one of the agent's own sessions: its sockets close at once (`bye session_revoked`), on
 * every node. Another agent's session is "not found", like one that does not exist.
 */
export async function revokeSession(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  if (!(await sessionStore.deleteOwn(ctx.db, id, actor.id))) throw notFound('session');
  ctx.bus.publish({
    type: 'agent.signed_out',
    agentId: actor.id,
    sessionIds: [id],
    reason: 'session_revoked',
  });
}

export async function changePassword(
  ctx: AppContext,
  actor: AgentActor,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const row = await agentStore.byId(ctx.db, actor.id);
  if (!row || !(await verifyPassword(currentPassword, row.password_hash))) {
    throw new AppError('invalid_credentials', 'current password is wrong', 401);
  }
  await agentStore.update(ctx.db, actor.id, {
    password_hash: await hashPassword(newPassword),
    must_change_password: 0,
    updated_at: ctx.clock.now(),
  });
}

/** Background job: sessions past their expiry are refused already; this removes their rows. */
export async function deleteExpiredSessions(ctx: AppContext): Promise<{ sessions: number }> {
  const r = await sessionStore.deleteExpired(ctx.db, ctx.clock.now());
  return { sessions: r.reduce((n, x) => n + Number(x.numDeletedRows), 0) };
}
