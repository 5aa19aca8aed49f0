import type { z } from 'zod';
import type { Department, DepartmentCreateRequest } from '@parley/protocol';
import { AppError } from '../shared/errors';
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
  const agentIds = [...new Set(input.agentIds)];
  for (const id of agentIds)
    if (!(await agentStore.byId(ctx.db, id))) throw new AppError('validation_failed', `no agent ${id}`, 422);
  const row = { id: newId(), site_id: input.siteId, name: input.name, created_at: ctx.clock.now() };
  await ctx.db.transaction().execute(async (trx) => {
    await departmentStore.insert(trx, row);
    await departmentStore.setMembers(trx, row.id, agentIds);
  });
  return { id: row.id, siteId: row.site_id, name: row.name, agentIds };
}
