import type { z } from 'zod';
import type { Agent, AgentCreateRequest, AgentUpdateRequest, MeUpdateRequest } from '@parley/protocol';
import { isUniqueViolation } from '../db/dialect';
import { AppError, forbidden, notFound } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { siteStore } from '../sites/store';
import { checkAdmin } from './policies';
import { hashPassword } from './password';
import { presentAgent } from './presenters';
import { agentStore, type AgentRow } from './store';
import { sessionStore } from '../auth/store';

type CreateInput = z.output<typeof AgentCreateRequest> & { mustChangePassword?: boolean };

async function checkSitesExist(ctx: AppContext, siteIds: readonly string[]): Promise<void> {
  for (const id of new Set(siteIds)) {
    if (!(await siteStore.byId(ctx.db, id)))
      throw new AppError('validation_failed', `site ${id} does not exist`, 422);
  }
}

/** Used by the API (with an actor) and by the CLI and first run (actor null = operator on the machine). */
export async function createAgent(
  ctx: AppContext,
  actor: AgentActor | null,
  input: CreateInput,
): Promise<Agent> {
  if (actor) {
    checkAdmin(actor);
    if (input.role === 'owner' && actor.role !== 'owner')
      throw forbidden('only an owner can create an owner');
  }
  await checkSitesExist(ctx, input.siteIds);
  const now = ctx.clock.now();
  const row: AgentRow = {
    id: newId(),
    email: input.email.toLowerCase(),
    name: input.name,
    password_hash: await hashPassword(input.password),
    role: input.role,
    status: 'offline',
    max_chats: 5,
    avatar_url: null,
    avatar_key: null,
    active: 1,
    must_change_password: input.mustChangePassword ? 1 : 0,
    failed_logins: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await agentStore.insert(trx, row);
      await agentStore.setSites(trx, row.id, [...new Set(input.siteIds)]);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', 'an agent with this e-mail already exists', 409);
    throw e;
  }
  return presentAgent(row, input.siteIds);
}

export async function listAgents(ctx: AppContext, actor: AgentActor): Promise<Agent[]> {
  const rows = await agentStore.all(ctx.db);
  const sites = await agentStore.siteIdsFor(
    ctx.db,
    rows.map((r) => r.id),
  );
  const all = rows.map((r) => presentAgent(r, sites.get(r.id) ?? []));
  // Plain agents see colleagues (for transfers) but not their e-mail addresses.
  return actor.role === 'agent' ? all.map((a) => ({ ...a, email: '' })) : all;
}

export async function getAgent(ctx: AppContext, id: string): Promise<Agent> {
  const row = await agentStore.byId(ctx.db, id);
  if (!row) throw notFound('agent');
  const sites = await agentStore.siteIdsFor(ctx.db, [id]);
  return presentAgent(row, sites.get(id) ?? []);
}

export async function updateAgent(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: z.output<typeof AgentUpdateRequest>,
): Promise<Agent> {
  checkAdmin(actor);
  const row = await agentStore.byId(ctx.db, id);
  if (!row) throw notFound('agent');
  if ((row.role === 'owner' || input.role === 'owner') && actor.role !== 'owner') {
    throw forbidden('only an owner can change an owner');
  }
  if (id === actor.id && (input.active === false || (input.role !== undefined && input.role !== row.role))) {
    throw new AppError('validation_failed', 'you cannot deactivate yourself or change your own role', 422);
  }
  if (input.siteIds) await checkSitesExist(ctx, input.siteIds);
  const now = ctx.clock.now();
  const deactivating = input.active === false && row.active === 1;
  await ctx.db.transaction().execute(async (trx) => {
    await agentStore.update(trx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.maxChats !== undefined && { max_chats: input.maxChats }),
      ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
      ...(deactivating && { status: 'offline' as const }),
      updated_at: now,
    });
    if (input.siteIds) await agentStore.setSites(trx, id, [...new Set(input.siteIds)]);
    if (deactivating) {
      await sessionStore.deleteForAgent(trx, id);
      await agentStore.logStatus(trx, id, 'offline', now);
    }
  });
  if (deactivating) {
    ctx.bus.publish({ type: 'agent.signed_out', agentId: id, sessionIds: 'all', reason: 'deactivated' });
  } else if ((input.role !== undefined && input.role !== row.role) || input.siteIds !== undefined) {
    ctx.bus.publish({ type: 'agent.access_changed', agentId: id });
  }
  return getAgent(ctx, id);
}

export async function updateMe(
  ctx: AppContext,
  actor: AgentActor,
  input: z.output<typeof MeUpdateRequest>,
): Promise<Agent> {
  const row = await agentStore.byId(ctx.db, actor.id);
  if (!row) throw notFound('agent');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await agentStore.update(trx, actor.id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.maxChats !== undefined && { max_chats: input.maxChats }),
      ...(input.status !== undefined && { status: input.status }),
      updated_at: now,
    });
    // Status history feeds "time online / away" in analytics.
    if (input.status !== undefined && input.status !== row.status)
      await agentStore.logStatus(trx, actor.id, input.status, now);
  });
  return getAgent(ctx, actor.id);
}

export async function resetPassword(ctx: AppContext, email: string, password: string): Promise<Agent> {
  const row = await agentStore.byEmail(ctx.db, email);
  if (!row) throw notFound('agent');
  await ctx.db.transaction().execute(async (trx) => {
    await agentStore.update(trx, row.id, {
      password_hash: await hashPassword(password),
      must_change_password: 1,
      failed_logins: 0,
      locked_until: null,
      updated_at: ctx.clock.now(),
    });
    await sessionStore.deleteForAgent(trx, row.id);
  });
  ctx.bus.publish({
    type: 'agent.signed_out',
    agentId: row.id,
    sessionIds: 'all',
    reason: 'session_revoked',
  });
  return getAgent(ctx, row.id);
}
