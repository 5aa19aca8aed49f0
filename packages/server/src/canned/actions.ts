import type { z } from 'zod';
import {
  unknownCannedVariables,
  type CannedResponse,
  type CannedResponseCreateRequest,
  type CannedResponseUpdateRequest,
} from '@parley/protocol';
import { isUniqueViolation } from '../db/dialect';
import { AppError, notFound } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { checkAdmin, checkSiteAccess } from '../agents/policies';
import { siteStore } from '../sites/store';
import { canSeeCanned, checkMayEdit } from './policies';
import { presentCanned } from './presenters';
import { cannedStore, type CannedRow } from './store';

const taken = (): AppError => new AppError('conflict', 'this shortcut is taken here already', 409);

/** A typo in a variable would reach visitors as `{{visitor.nmae}}`: refused when saved. */
function checkVariables(body: string): void {
  const unknown = unknownCannedVariables(body);
  if (unknown.length > 0)
    throw new AppError(
      'validation_failed',
      `unknown variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((v) => `{{${v}}}`).join(', ')}`,
      422,
      unknown.map((v) => ({ path: '/body', message: `unknown variable ${v}` })),
    );
}

async function checkSite(ctx: AppContext, actor: AgentActor, siteId: string | null): Promise<void> {
  if (siteId === null) return;
  checkSiteAccess(actor, siteId);
  if (!(await siteStore.byId(ctx.db, siteId))) throw new AppError('validation_failed', 'no such site', 422);
}

async function save<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isUniqueViolation(e)) throw taken();
    throw e;
  }
}

export async function listCanned(
  ctx: AppContext,
  actor: AgentActor,
  siteId?: string,
): Promise<CannedResponse[]> {
  if (siteId !== undefined) checkSiteAccess(actor, siteId);
  const scope = siteId !== undefined ? [siteId] : actor.siteIds === 'all' ? 'all' : [...actor.siteIds];
  return (await cannedStore.usable(ctx.db, actor.id, scope)).map(presentCanned);
}

export async function createCanned(
  ctx: AppContext,
  actor: AgentActor,
  input: z.output<typeof CannedResponseCreateRequest>,
): Promise<CannedResponse> {
  if (input.shared) checkAdmin(actor);
  else if (input.siteId !== null)
    throw new AppError('validation_failed', 'personal responses are for every site (siteId: null)', 422);
  await checkSite(ctx, actor, input.siteId);
  checkVariables(input.body);
  const now = ctx.clock.now();
  const row: CannedRow = {
    id: newId(),
    owner_id: input.shared ? null : actor.id,
    site_id: input.siteId,
    shortcut: input.shortcut,
    body: input.body,
    created_at: now,
    updated_at: now,
  };
  await save(() => cannedStore.insert(ctx.db, row));
  return presentCanned(row);
}

async function checkCanned(ctx: AppContext, actor: AgentActor, id: string): Promise<CannedRow> {
  const row = await cannedStore.byId(ctx.db, id);
  if (!row || !canSeeCanned(actor, row)) throw notFound('canned response');
  checkMayEdit(actor, row);
  return row;
}

export async function updateCanned(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: z.output<typeof CannedResponseUpdateRequest>,
): Promise<CannedResponse> {
  const row = await checkCanned(ctx, actor, id);
  if (input.siteId !== undefined && input.siteId !== row.site_id) {
    if (row.owner_id !== null && input.siteId !== null)
      throw new AppError('validation_failed', 'personal responses are for every site (siteId: null)', 422);
    await checkSite(ctx, actor, input.siteId);
  }
  if (input.body !== undefined) checkVariables(input.body);
  const patch = {
    ...(input.shortcut !== undefined && { shortcut: input.shortcut }),
    ...(input.body !== undefined && { body: input.body }),
    ...(input.siteId !== undefined && { site_id: input.siteId }),
    updated_at: ctx.clock.now(),
  };
  await save(() => cannedStore.update(ctx.db, id, patch));
  return presentCanned({ ...row, ...patch });
}

export async function deleteCanned(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  await checkCanned(ctx, actor, id);
  await cannedStore.delete(ctx.db, id);
}
