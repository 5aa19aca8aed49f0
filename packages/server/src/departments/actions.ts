import type { z } from 'zod';
import type { Department, DepartmentCreateRequest, DepartmentUpdateRequest } from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { checkAdmin, checkSiteAccess } from '../agents/policies';
import { agentStore } from '../agents/store';
import { siteStore } from '../sites/store';
import { departmentStore } from './store';

export async function listDepartments(ctx: AppContext, actor: AgentActor): Promise<Department[]> {
  const rows = (await departmentStore.all(ctx.db)).filter(
    (d) => d.site_id === null || actor.siteIds === 'all' || actor.siteIds.has(d.site_id),
  );
  const members = await departmentStore.members(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ id: r.id, siteId: r.site_id, name: r.name, agentIds: members.get(r.id) ?? [] }));
}

export async function createDepartment(
  ctx: AppContext,
  actor: AgentActor,
  input: z.output<typeof DepartmentCreateRequest>,
): Promise<Department> {
  checkAdmin(actor);
  if (input.siteId !== null) {
    checkSiteAccess(actor, input.siteId);
    if (!(await siteStore.byId(ctx.db, input.siteId)))
      throw new AppError('validation_failed', 'no such site', 422);
  }
  const agentIds = await checkAgents(ctx, input.agentIds);
  const row = { id: newId(), site_id: input.siteId, name: input.name, created_at: ctx.clock.now() };
  await ctx.db.transaction().execute(async (trx) => {
    await departmentStore.insert(trx, row);
    await departmentStore.setMembers(trx, row.id, agentIds);
  });
  return { id: row.id, siteId: row.site_id, name: row.name, agentIds };
}

async function checkAgents(ctx: AppContext, ids: readonly string[]): Promise<string[]> {
  const agentIds = [...new Set(ids)];
  for (const id of agentIds)
    if (!(await agentStore.byId(ctx.db, id))) throw new AppError('validation_failed', `no agent ${id}`, 422);
  return agentIds;
}

async function checkDepartment(ctx: AppContext, actor: AgentActor, id: string) {
  checkAdmin(actor);
  const row = await departmentStore.byId(ctx.db, id);
  if (!row || (row.site_id !== null && actor.siteIds !== 'all' && !actor.siteIds.has(row.site_id)))
    throw notFound('department');
  return row;
}

/** Rename a department or replace its members (admin). */
export async function updateDepartment(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: z.output<typeof DepartmentUpdateRequest>,
): Promise<Department> {
  const row = await checkDepartment(ctx, actor, id);
  const agentIds = input.agentIds === undefined ? undefined : await checkAgents(ctx, input.agentIds);
  await ctx.db.transaction().execute(async (trx) => {
    if (input.name !== undefined) await departmentStore.rename(trx, id, input.name);
    if (agentIds !== undefined) await departmentStore.setMembers(trx, id, agentIds);
  });
  const members = await departmentStore.members(ctx.db, [id]);
  return { id, siteId: row.site_id, name: input.name ?? row.name, agentIds: members.get(id) ?? [] };
}

/**
 * Delete a department (admin). Its conversations stay, without a department (they remain in the
 * views of their assignee and "all"); visitors who had chosen it choose again.
 */
export async function deleteDepartment(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  await checkDepartment(ctx, actor, id);
  await departmentStore.delete(ctx.db, id);
}
