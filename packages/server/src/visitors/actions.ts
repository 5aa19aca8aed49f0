import type { z } from 'zod';
import type { VisitorSessionRequest, VisitorSessionResponse } from '@parley/protocol';
import { AppError } from '../shared/errors';
import { hashToken, newId, newToken } from '../shared/crypto';
import type { AppContext, VisitorActor } from '../shared/context';
import { siteStore, type SiteRow } from '../sites/store';
import { originAllowed } from '../sites/origins';
import { presentSiteForVisitor, siteOrigins } from '../sites/presenters';
import { presentVisitor } from './presenters';
import { visitorStore, type VisitorRow } from './store';

export interface ClientMeta {
  origin: string | undefined;
  userAgent: string | null;
}

/** Resolve the site of a widget request and enforce its allowed origins. */
export async function checkSiteForVisitor(
  ctx: AppContext,
  siteKey: string,
  origin: string | undefined,
): Promise<SiteRow> {
  const site = await siteStore.byKey(ctx.db, siteKey);
  if (!site) throw new AppError('not_found', 'unknown site key', 404);
  if (!originAllowed(siteOrigins(site), origin)) {
    throw new AppError('origin_not_allowed', `origin ${origin ?? ''} is not allowed for this site`, 403);
  }
  return site;
}

/**
 * Issue a visitor token, or resume the visitor a still-valid token belongs to. A token from another
 * site is treated as no token: a visitor is scoped to exactly one site.
 */
export async function startVisitorSession(
  ctx: AppContext,
  input: z.output<typeof VisitorSessionRequest>,
  meta: ClientMeta,
): Promise<z.output<typeof VisitorSessionResponse>> {
  const site = await checkSiteForVisitor(ctx, input.siteKey, meta.origin);
  const now = ctx.clock.now();
  const page = input.pageUrl ? { url: input.pageUrl, title: input.pageTitle ?? null } : null;

  if (input.token) {
    const existing = await visitorStore.byTokenHash(ctx.db, hashToken(input.token));
    if (existing && existing.site_id === site.id) {
      const patch = {
        last_seen_at: now,
        ...(meta.userAgent !== null && { user_agent: meta.userAgent.slice(0, 500) }),
        ...(page && { last_page_url: page.url, last_page_title: page.title }),
      };
      await ctx.db.transaction().execute(async (trx) => {
        await visitorStore.update(trx, existing.id, patch);
        if (page)
          await visitorStore.addPageView(trx, {
            visitor_id: existing.id,
            site_id: site.id,
            ...page,
            referrer: input.referrer ?? null,
            at: now,
          });
      });
      return {
        visitor: presentVisitor({ ...existing, ...patch }),
        token: input.token,
        created: false,
        site: presentSiteForVisitor(site),
      };
    }
  }

  const token = newToken('pv_');
  const row: VisitorRow = {
    id: newId(),
    site_id: site.id,
    token_hash: hashToken(token),
    external_id: null,
    name: null,
    email: null,
    attributes: '{}',
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
    last_page_url: page?.url ?? null,
    last_page_title: page?.title ?? null,
    first_seen_at: now,
    last_seen_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await visitorStore.insert(trx, row);
    if (page)
      await visitorStore.addPageView(trx, {
        visitor_id: row.id,
        site_id: site.id,
        ...page,
        referrer: input.referrer ?? null,
        at: now,
      });
  });
  return { visitor: presentVisitor(row), token, created: true, site: presentSiteForVisitor(site) };
}

/** Bearer token → visitor, only if it belongs to the given site (when one is given). */
export async function resolveVisitor(
  ctx: AppContext,
  token: string,
  siteKey?: string,
): Promise<{ actor: VisitorActor; visitor: VisitorRow; site: SiteRow } | null> {
  const visitor = await visitorStore.byTokenHash(ctx.db, hashToken(token));
  if (!visitor) return null;
  const site = await siteStore.byId(ctx.db, visitor.site_id);
  if (!site || (siteKey !== undefined && site.key !== siteKey)) return null;
  return { actor: { kind: 'visitor', id: visitor.id, siteId: site.id, name: visitor.name }, visitor, site };
}
