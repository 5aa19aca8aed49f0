import type { z } from 'zod';
import { randomBytes } from 'node:crypto';
import type { Site, SiteCreateRequest, SiteUpdateRequest } from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import { newId, newToken } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { parseJsonColumn } from '../shared/json';
import { checkAdmin, checkSiteAccess } from '../agents/policies';
import { normalizeOrigin } from './origins';
import { presentSite } from './presenters';
import { SiteSettings } from './settings';
import { siteStore, type SiteRow } from './store';

function normalizeOrigins(list: readonly string[]): string[] {
  const out = new Set<string>();
  for (const o of list) {
    const n = normalizeOrigin(o);
    if (n === null) throw new AppError('validation_failed', `not an http(s) origin: ${o}`, 422);
    out.add(n);
  }
  return [...out];
}

function checkSettings(raw: Record<string, unknown>): z.output<typeof SiteSettings> {
  const parsed = SiteSettings.safeParse(raw);
  if (!parsed.success)
    throw new AppError('validation_failed', 'invalid site settings', 422, parsed.error.issues);
  return parsed.data;
}

/** actor null = the operator (CLI, first run). */
export async function createSite(
  ctx: AppContext,
  actor: AgentActor | null,
  input: z.output<typeof SiteCreateRequest>,
): Promise<Site> {
  if (actor) checkAdmin(actor);
  const row: SiteRow = {
    id: newId(),
    key: randomBytes(12).toString('base64url'),
    name: input.name,
    allowed_origins: JSON.stringify(normalizeOrigins(input.allowedOrigins)),
    settings: JSON.stringify(checkSettings(input.settings)),
    identity_secret: newToken(),
    created_at: ctx.clock.now(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await siteStore.insert(trx, row);
    // The creator can work on the site at once, whatever their role becomes later.
    if (actor) await siteStore.addAgent(trx, row.id, actor.id);
  });
  return presentSite(row);
}

export async function listSites(ctx: AppContext, actor: AgentActor): Promise<Site[]> {
  const rows =
    actor.siteIds === 'all' ? await siteStore.all(ctx.db) : await siteStore.forAgent(ctx.db, actor.id);
  return rows.map(presentSite);
}

export async function getSite(ctx: AppContext, actor: AgentActor, id: string): Promise<Site> {
  checkSiteAccess(actor, id);
  const row = await siteStore.byId(ctx.db, id);
  if (!row) throw notFound('site');
  return presentSite(row);
}

export async function updateSite(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: z.output<typeof SiteUpdateRequest>,
): Promise<Site> {
  checkAdmin(actor);
  const row = await siteStore.byId(ctx.db, id);
  if (!row) throw notFound('site');
  const settings =
    input.settings === undefined
      ? undefined
      : checkSettings({ ...parseJsonColumn<Record<string, unknown>>(row.settings, {}), ...input.settings });
  const patch = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.allowedOrigins !== undefined && {
      allowed_origins: JSON.stringify(normalizeOrigins(input.allowedOrigins)),
    }),
    ...(settings !== undefined && { settings: JSON.stringify(settings) }),
  };
  if (Object.keys(patch).length > 0) await siteStore.update(ctx.db, id, patch);
  if (settings !== undefined)
    ctx.bus.publish({ type: 'site.changed', siteId: id, sneakPeek: settings.sneakPeek });
  return presentSite({ ...row, ...patch });
}
