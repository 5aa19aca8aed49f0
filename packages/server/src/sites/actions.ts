import type { z } from 'zod';
import { randomBytes } from 'node:crypto';
import type { Site, SiteCreateRequest, SiteUpdateRequest, WidgetConfig } from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import { newId, newToken } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { parseJsonColumn } from '../shared/json';
import { checkAdmin, checkSiteAccess } from '../agents/policies';
import { agentStore } from '../agents/store';
import { departmentStore } from '../departments/store';
import { normalizeOrigin, originAllowed } from './origins';
import { presentSite, presentWidgetConfig, siteOrigins, WIDGET_AGENTS } from './presenters';
import { readSettings, SiteSettings } from './settings';
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A settings patch applied to the stored settings: nested objects merge key by key, arrays and
 * scalars replace, and null removes a key (it falls back to its default).
 */
export function mergeSettings(
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(out, key);
    else {
      const before = out[key];
      out[key] = isPlainObject(value) && isPlainObject(before) ? mergeSettings(before, value) : value;
    }
  }
  return out;
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
      : checkSettings(
          mergeSettings(parseJsonColumn<Record<string, unknown>>(row.settings, {}), input.settings),
        );
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

/** Agents listed to find who may be shown in a widget; the online ones are sorted first. */
const AGENT_CANDIDATES = 200;

/**
 * What a site's widgets load (public: anyone with the site key, from an allowed origin). Agents are
 * "online" when their status says so and they have a live console connection somewhere.
 */
export async function getWidgetConfig(
  ctx: AppContext,
  siteKey: string,
  origin: string | undefined,
  opts: { transcripts: boolean },
): Promise<WidgetConfig> {
  const row = await siteStore.byKey(ctx.db, siteKey);
  if (!row) throw new AppError('not_found', 'unknown site key', 404);
  if (!originAllowed(siteOrigins(row), origin))
    throw new AppError('origin_not_allowed', `origin ${origin ?? ''} is not allowed for this site`, 403);
  const settings = readSettings(parseJsonColumn<unknown>(row.settings, {}));
  const live = ctx.presence.connectedAgents();
  const [agents, departments, connected, agentsOnline] = await Promise.all([
    agentStore.withAccessToSite(ctx.db, row.id, AGENT_CANDIDATES),
    departmentStore.forSite(ctx.db, row.id),
    live,
    // Not from the candidates (a bounded list): the same answer as the loader's poll.
    agentsOnlineForSite(ctx, row.id, live),
  ]);
  const online = agents.filter((a) => a.status === 'online' && connected.has(a.id));
  const others = agents.filter((a) => !online.includes(a));
  return presentWidgetConfig(row, settings, {
    agentsOnline,
    agents: [...online, ...others].slice(0, WIDGET_AGENTS),
    departments,
    transcripts: opts.transcripts,
  });
}

/**
 * Is anyone there to answer this site's visitors: an active agent of the site whose status is
 * online and who has a live console connection on some node. The widget configuration carries it,
 * and the loader's poll reads it again, so a widget follows agents coming and going without a reload.
 */
export async function agentsOnlineForSite(
  ctx: AppContext,
  siteId: string,
  /** The presence set when the caller reads it anyway (one read, not two). */
  live?: Promise<ReadonlySet<string>>,
): Promise<boolean> {
  const ids = await agentStore.onlineIdsForSite(ctx.db, siteId);
  if (ids.length === 0) return false;
  const connected = await (live ?? ctx.presence.connectedAgents());
  return ids.some((id) => connected.has(id));
}

/** The HMAC key of identity verification (admins): the site's backend needs it to sign user ids. */
export async function getIdentitySecret(ctx: AppContext, actor: AgentActor, id: string): Promise<string> {
  checkAdmin(actor);
  const row = await siteStore.byId(ctx.db, id);
  if (!row) throw notFound('site');
  return row.identity_secret;
}

/**
 * A new identity secret; hashes made with the old one stop verifying at once. Visitors verified
 * before keep their verified identity (it was proven then).
 */
export async function rotateIdentitySecret(ctx: AppContext, actor: AgentActor, id: string): Promise<string> {
  checkAdmin(actor);
  const row = await siteStore.byId(ctx.db, id);
  if (!row) throw notFound('site');
  const secret = newToken();
  await siteStore.update(ctx.db, id, { identity_secret: secret });
  ctx.log.info({ siteId: id, agentId: actor.id }, 'identity secret rotated');
  return secret;
}
