import type { z } from 'zod';
import type {
  AttributesRequest,
  IdentifyRequest,
  IdentifyResponse,
  PageViewRequest,
  PrechatResponse,
  TrackEventRequest,
  Visitor,
  VisitorDetailsResponse,
  VisitorSessionRequest,
  VisitorSessionResponse,
} from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import { hashToken, newId, newToken } from '../shared/crypto';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { AgentActor, AppContext, VisitorActor } from '../shared/context';
import type { DomainEvent } from '../shared/events';
import { transactionWithRetry } from '../db/retry';
import { canAccessSite } from '../agents/policies';
import { siteStore, type SiteRow } from '../sites/store';
import { originAllowed, normalizeOrigin } from '../sites/origins';
import { presentSiteForVisitor, siteOrigins } from '../sites/presenters';
import { readSettings } from '../sites/settings';
import { identityHashMatches } from './identity';
import { presentVisitor } from './presenters';
import { checkFormValues, doChangeProfile } from './profile';
import { visitorStore, type VisitorRow } from './store';
import { visitPatch } from './visits';

type VisitorChange = Extract<DomainEvent, { type: 'visitor.changed' }>['reason'];

/** After commit: agents of the site see the visitor as it is now. */
export function notifyVisitor(ctx: AppContext, visitor: Visitor, reason: VisitorChange): void {
  ctx.bus.publish({
    type: 'visitor.changed',
    siteId: visitor.siteId,
    visitorId: visitor.id,
    reason,
    visitor,
  });
}

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
  // Only web pages are recorded (agents get them as links); anything else is left out, not refused,
  // so that an odd page (file://, about:blank) still gets a working widget.
  const page =
    input.pageUrl !== undefined && normalizeOrigin(input.pageUrl) !== null
      ? { url: input.pageUrl, title: input.pageTitle ?? null }
      : null;

  if (input.token) {
    const existing = await visitorStore.byTokenHash(ctx.db, hashToken(input.token));
    if (existing && existing.site_id === site.id) {
      const patch = {
        last_seen_at: now,
        ...visitPatch(existing, now),
        ...(meta.userAgent !== null && { user_agent: meta.userAgent.slice(0, 500) }),
        ...(page && { last_page_url: page.url, last_page_title: page.title, last_page_at: now }),
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
      const visitor = presentVisitor({ ...existing, ...patch });
      if (page) notifyVisitor(ctx, visitor, 'page');
      return {
        visitor,
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
    verified: 0,
    department_id: null,
    name: null,
    email: null,
    attributes: '{}',
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
    last_page_url: page?.url ?? null,
    last_page_title: page?.title ?? null,
    first_seen_at: now,
    last_seen_at: now,
    socket_seen_at: null,
    visit_started_at: now,
    last_page_at: page ? now : null,
    visits: 1,
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
  const visitor = presentVisitor(row);
  if (page) notifyVisitor(ctx, visitor, 'page');
  return { visitor, token, created: true, site: presentSiteForVisitor(site) };
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

/* ───────────── the widget's visitor API ───────────── */

async function siteOf(ctx: AppContext, actor: VisitorActor): Promise<SiteRow> {
  const site = await siteStore.byId(ctx.db, actor.siteId);
  if (!site) throw new AppError('unauthorized', 'the site of this visitor no longer exists', 401);
  return site;
}

function identityRefused(message: string): AppError {
  return new AppError('identity_verification_failed', message, 403);
}

/**
 * `identify()`: attach the site's user id (and name, e-mail) to the visitor. With a valid HMAC the
 * id is verified, and a verified id is one visitor per site: reached from another browser, the
 * answer is that visitor and a new token for it. Without one the id is a mere claim: refused when
 * the site requires verification, else stored as unverified on this visitor — it never switches
 * identity and never touches a verified visitor.
 */
export async function identifyVisitor(
  ctx: AppContext,
  actor: VisitorActor,
  input: z.output<typeof IdentifyRequest>,
): Promise<z.output<typeof IdentifyResponse>> {
  const site = await siteOf(ctx, actor);
  const settings = readSettings(parseJsonColumn<unknown>(site.settings, {}));
  const verified =
    input.hash !== undefined && identityHashMatches(site.identity_secret, input.id, input.hash);
  if (!verified && settings.requireIdentityVerification)
    throw identityRefused(
      input.hash === undefined
        ? 'this site requires identity verification: pass the hash computed by your backend'
        : 'the hash does not match this user id',
    );
  const now = ctx.clock.now();
  const profile = { name: input.name || undefined, email: input.email };

  const r = await transactionWithRetry(ctx.db, async (trx) => {
    const current = await visitorStore.byIdForUpdate(trx, ctx.dialect, actor.id);
    if (!current) throw new AppError('unauthorized', 'visitor no longer exists', 401);
    if (!verified) {
      if (current.verified === 1 && current.external_id !== input.id)
        throw identityRefused('this visitor is verified as another user; identify with a valid hash');
      const extra = current.verified === 1 ? {} : { external_id: input.id };
      const changed = await doChangeProfile(trx, ctx.dialect, current.id, profile, extra);
      return { ...changed, token: null };
    }
    const owner = await visitorStore.byVerifiedExternalId(trx, site.id, input.id);
    if (owner && owner.id !== current.id) {
      // The same person from another browser: hand over that visitor, this browser gets a token of its own.
      const token = newToken('pv_');
      await visitorStore.addToken(trx, owner.id, hashToken(token), now);
      const changed = await doChangeProfile(trx, ctx.dialect, owner.id, profile, { last_seen_at: now });
      return { ...changed, token };
    }
    if (!owner && current.verified === 1) {
      // This browser was verified as someone else (a shared computer): the new user starts afresh.
      const token = newToken('pv_');
      const row: VisitorRow = {
        ...current,
        id: newId(),
        token_hash: hashToken(token),
        external_id: input.id,
        verified: 1,
        department_id: null,
        name: profile.name ?? null,
        email: profile.email ?? null,
        attributes: '{}',
        first_seen_at: now,
        last_seen_at: now,
        socket_seen_at: null,
        visit_started_at: now,
        visits: 1,
      };
      await visitorStore.insert(trx, row);
      return { row, changed: true, token };
    }
    const changed = await doChangeProfile(trx, ctx.dialect, current.id, profile, {
      external_id: input.id,
      verified: 1,
    });
    return { ...changed, token: null };
  });

  const visitor = presentVisitor(r.row);
  if (r.changed) notifyVisitor(ctx, visitor, 'identity');
  return {
    visitor: { id: visitor.id, name: visitor.name, email: visitor.email },
    verified,
    token: r.token,
  };
}

/** `setAttributes()`: merged into the stored attributes; null deletes a key. */
export async function setVisitorAttributes(
  ctx: AppContext,
  actor: VisitorActor,
  input: z.output<typeof AttributesRequest>,
): Promise<Visitor> {
  const r = await ctx.db
    .transaction()
    .execute((trx) => doChangeProfile(trx, ctx.dialect, actor.id, { attributes: input.attributes }));
  const visitor = presentVisitor(r.row);
  if (r.changed) notifyVisitor(ctx, visitor, 'attributes');
  return visitor;
}

/** Only web pages count as pages: agents get these URLs as links. */
function checkPageUrl(url: string, field: string): void {
  if (normalizeOrigin(url) === null)
    throw new AppError('validation_failed', `${field} must be an http(s) URL`, 422, [
      { path: `/${field}`, message: 'an http(s) URL' },
    ]);
}

/** A page (or a single-page-app route) the visitor is on now. */
export async function recordPageView(
  ctx: AppContext,
  actor: VisitorActor,
  input: z.output<typeof PageViewRequest>,
): Promise<Visitor> {
  checkPageUrl(input.url, 'url');
  const now = ctx.clock.now();
  const title = input.title ?? null;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await visitorStore.byId(trx, actor.id);
    if (!current) throw new AppError('unauthorized', 'visitor no longer exists', 401);
    const patch = {
      last_page_url: input.url,
      last_page_title: title,
      last_page_at: now,
      last_seen_at: now,
      ...visitPatch(current, now),
    };
    await visitorStore.update(trx, actor.id, patch);
    await visitorStore.addPageView(trx, {
      visitor_id: actor.id,
      site_id: actor.siteId,
      url: input.url,
      title,
      referrer: input.referrer || null,
      at: now,
    });
    return { ...current, ...patch };
  });
  const visitor = presentVisitor(row);
  notifyVisitor(ctx, visitor, 'page');
  return visitor;
}

/** `Parley.track()`: kept per visitor (the newest MAX_EVENTS_PER_VISITOR) for agents and triggers. */
export async function trackVisitorEvent(
  ctx: AppContext,
  actor: VisitorActor,
  input: z.output<typeof TrackEventRequest>,
): Promise<void> {
  await ctx.db.transaction().execute((trx) =>
    visitorStore.addEvent(trx, {
      visitor_id: actor.id,
      site_id: actor.siteId,
      name: input.name,
      data: JSON.stringify(input.data ?? {}),
      at: ctx.clock.now(),
    }),
  );
}

/**
 * The pre-chat form: name and e-mail fill the visitor, `department` is where its next conversation
 * is created (a department of this site, or a global one), other keys become attributes.
 */
export async function submitPrechat(
  ctx: AppContext,
  actor: VisitorActor,
  fields: Record<string, string>,
): Promise<z.output<typeof PrechatResponse>> {
  const change = await checkFormValues(ctx.db, actor.siteId, fields);
  const r = await ctx.db
    .transaction()
    .execute((trx) => doChangeProfile(trx, ctx.dialect, actor.id, change, { last_seen_at: ctx.clock.now() }));
  const visitor = presentVisitor(r.row);
  if (r.changed) notifyVisitor(ctx, visitor, 'profile');
  return { visitor, departmentId: r.row.department_id };
}

/* ───────────── agents ───────────── */

const RECENT = 50;

/** A visitor of one of the agent's sites, with its latest pages and events. Others' visitors are "not found". */
export async function getVisitorForAgent(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
): Promise<z.output<typeof VisitorDetailsResponse>> {
  const row = await visitorStore.byId(ctx.db, id);
  if (!row || !canAccessSite(actor, row.site_id)) throw notFound('visitor');
  const [pages, events] = await Promise.all([
    visitorStore.recentPageViews(ctx.db, id, RECENT),
    visitorStore.recentEvents(ctx.db, id, RECENT),
  ]);
  return {
    visitor: presentVisitor(row),
    pageViews: pages.map((p) => ({ url: p.url, title: p.title, referrer: p.referrer, at: iso(p.at) })),
    events: events.map((e) => ({
      name: e.name,
      data: parseJsonColumn<Visitor['attributes']>(e.data, {}),
      at: iso(e.at),
    })),
  };
}
