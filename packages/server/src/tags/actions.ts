import type { z } from 'zod';
import type { Tag, TagCreateRequest, TagUpdateRequest } from '@parley/protocol';
import { isUniqueViolation } from '../db/dialect';
import { AppError, notFound } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { checkAdmin, checkSiteAccess } from '../agents/policies';
import { siteStore } from '../sites/store';
import { notifyConversation } from '../conversations/actions';
import { canSeeTag } from './policies';
import { presentTag } from './presenters';
import { tagStore, type TagRow } from './store';

const nameTaken = (): AppError => new AppError('conflict', 'a tag with this name exists already here', 409);

/** Tags an agent may use: the global ones and those of its sites (of one site, when given). */
export async function listTags(ctx: AppContext, actor: AgentActor, siteId?: string): Promise<Tag[]> {
  if (siteId !== undefined) checkSiteAccess(actor, siteId);
  const scope = siteId !== undefined ? [siteId] : actor.siteIds === 'all' ? 'all' : [...actor.siteIds];
  return (await tagStore.visible(ctx.db, scope)).map(presentTag);
}

export async function createTag(
  ctx: AppContext,
  actor: AgentActor,
  input: z.output<typeof TagCreateRequest>,
): Promise<Tag> {
  checkAdmin(actor);
  if (input.siteId !== null) {
    checkSiteAccess(actor, input.siteId);
    if (!(await siteStore.byId(ctx.db, input.siteId)))
      throw new AppError('validation_failed', 'no such site', 422);
  }
  const row: TagRow = {
    id: newId(),
    site_id: input.siteId,
    name: input.name,
    color: input.color.toLowerCase(),
    created_at: ctx.clock.now(),
  };
  try {
    await tagStore.insert(ctx.db, row);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken();
    throw e;
  }
  return presentTag(row);
}

async function checkTag(ctx: AppContext, actor: AgentActor, id: string): Promise<TagRow> {
  const row = await tagStore.byId(ctx.db, id);
  if (!row || !canSeeTag(actor, row)) throw notFound('tag');
  return row;
}

export async function updateTag(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: z.output<typeof TagUpdateRequest>,
): Promise<Tag> {
  checkAdmin(actor);
  const row = await checkTag(ctx, actor, id);
  const patch = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.color !== undefined && { color: input.color.toLowerCase() }),
  };
  if (Object.keys(patch).length > 0) {
    try {
      await tagStore.update(ctx.db, id, patch);
    } catch (e) {
      if (isUniqueViolation(e)) throw nameTaken();
      throw e;
    }
  }
  return presentTag({ ...row, ...patch });
}

/**
 * Removes the tag from every conversation, then the tag. Consoles hear of the conversations under
 * way that carried it; closed ones show the change when next loaded.
 */
export async function deleteTag(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  checkAdmin(actor);
  await checkTag(ctx, actor, id);
  const tagged = await ctx.db.transaction().execute((trx) => tagStore.delete(trx, id));
  for (const c of tagged) notifyConversation(ctx, c, 'tagged');
}
