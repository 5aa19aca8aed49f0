import type { AnalyticsLive, AnalyticsQuery, AnalyticsReport, AnalyticsTable } from '@parley/protocol';
import { canAccessSite, checkSiteAccess, isAdmin } from '../agents/policies';
import type { AgentActor, AppContext } from '../shared/context';
import { AppError, forbidden, notFound } from '../shared/errors';
import { iso } from '../shared/clock';
import { readSettings } from '../sites/settings';
import { parseJsonColumn } from '../shared/json';
import type { ReportParams } from './report';
import type { AnalyticsRunner } from './runner';
import { analyticsStore } from './store';
// The same "connected" as the live visitors list: refreshed by every node's heartbeats.
import { CONNECTED_WINDOW_MS } from '../visitors/live';
import { dateOfDayNumber, dayNumber } from './zone';

const isRealDate = (text: string, day: number): boolean =>
  Number.isFinite(day) && dateOfDayNumber(day) === text;

/** A report covers at most this many calendar days. */
export const MAX_DAYS = 400;
const LIVE_WAITING_LISTED = 50;

/* ───────────── check… ───────────── */

/** The sites a report covers: the one named (if the caller may see it), or all the caller's. */
async function checkSites(ctx: AppContext, actor: AgentActor, siteId: string | undefined): Promise<string[]> {
  const all = await analyticsStore.allSiteIds(ctx.db);
  if (siteId !== undefined) {
    checkSiteAccess(actor, siteId);
    if (!all.includes(siteId)) throw notFound('site');
    return [siteId];
  }
  return all.filter((id) => canAccessSite(actor, id));
}

/**
 * Turns the query into what the caller may see (docs/analytics.md, "who sees what"): owners and
 * admins everything of their sites; agents their own conversations only.
 */
export async function checkReportQuery(
  ctx: AppContext,
  actor: AgentActor,
  q: AnalyticsQuery,
): Promise<ReportParams> {
  const fromDay = dayNumber(q.from);
  const toDay = dayNumber(q.to);
  if (!isRealDate(q.from, fromDay) || !isRealDate(q.to, toDay))
    throw new AppError('validation_failed', 'from and to must be real calendar dates', 422);
  if (toDay < fromDay) throw new AppError('validation_failed', 'to must not be before from', 422);
  if (toDay - fromDay + 1 > MAX_DAYS)
    throw new AppError('validation_failed', `a report covers at most ${MAX_DAYS} days`, 422);

  const admin = isAdmin(actor);
  if (!admin && q.agentId !== undefined && q.agentId !== actor.id)
    throw forbidden('agents see their own figures only');
  const siteIds = await checkSites(ctx, actor, q.siteId);
  if (q.departmentId !== undefined) {
    const d = await analyticsStore.departmentById(ctx.db, q.departmentId);
    if (!d || (d.site_id !== null && !siteIds.includes(d.site_id))) throw notFound('department');
  }
  return {
    siteIds,
    fromDay,
    toDay,
    timeZone: q.timeZone ?? (await defaultZone(ctx, siteIds)),
    departmentId: q.departmentId,
    assigneeId: admin ? q.agentId : actor.id,
    scope: admin ? 'all' : 'own',
  };
}

/** The sites' business-hours zone when they share one, else UTC. */
async function defaultZone(ctx: AppContext, siteIds: readonly string[]): Promise<string> {
  const sites = await analyticsStore.sites(ctx.db, siteIds);
  const zones = new Set(sites.map((s) => readSettings(parseJsonColumn(s.settings, {})).hours.timeZone));
  const [only] = zones;
  return zones.size === 1 && only !== undefined ? only : 'UTC';
}

/* ───────────── actions (read-only: no do…, no notify…) ───────────── */

export async function analyticsReport(
  ctx: AppContext,
  runner: AnalyticsRunner,
  actor: AgentActor,
  q: AnalyticsQuery,
): Promise<AnalyticsReport> {
  const params = await checkReportQuery(ctx, actor, q);
  return runner.report(params, ctx.clock.now());
}

export async function analyticsCsv(
  ctx: AppContext,
  runner: AnalyticsRunner,
  actor: AgentActor,
  q: AnalyticsQuery,
  table: AnalyticsTable,
): Promise<string> {
  const params = await checkReportQuery(ctx, actor, q);
  return runner.csv({ kind: 'csv', table, params, now: ctx.clock.now() });
}

/** Visitor ids with a widget connection on this node, per site. */
export type LocalVisitors = (siteIds: ReadonlySet<string>) => Set<string>;

/** Now, on the caller's sites (or the one named): visitors, the queue, who is online and their load. */
export async function analyticsLive(
  ctx: AppContext,
  actor: AgentActor,
  siteId: string | undefined,
  localVisitors: LocalVisitors,
): Promise<AnalyticsLive> {
  const siteIds = await checkSites(ctx, actor, siteId);
  const now = ctx.clock.now();
  // This node's sockets, and the connections other nodes refresh in the database.
  const visitors = localVisitors(new Set(siteIds));
  for (const id of await analyticsStore.visitorsSeenSince(ctx.db, siteIds, now - CONNECTED_WINDOW_MS))
    visitors.add(id);
  const waiting = await analyticsStore.waiting(ctx.db, siteIds, now, LIVE_WAITING_LISTED);
  const [connected, online, open] = await Promise.all([
    ctx.presence.connectedAgents(),
    analyticsStore.onlineAgents(ctx.db, siteIds),
    analyticsStore.openNow(ctx.db, siteIds),
  ]);
  const load = new Map<string, number>();
  for (const r of open)
    if (r.assignee_id !== null) load.set(r.assignee_id, (load.get(r.assignee_id) ?? 0) + r.n);
  const first = waiting.rows[0]?.waiting_since;
  return {
    generatedAt: iso(now),
    visitorsOnline: visitors.size,
    waiting: waiting.rows.map((r) => {
      const since = r.waiting_since ?? now;
      return {
        conversationId: r.id,
        siteId: r.site_id,
        visitorName: r.visitor_name,
        assigneeId: r.assignee_id,
        departmentId: r.department_id,
        since: iso(since),
        waitedMs: Math.max(0, now - since),
      };
    }),
    waitingCount: waiting.count,
    longestWaitMs: first === undefined || first === null ? null : Math.max(0, now - first),
    unassigned: waiting.unassigned,
    agents: online
      .filter((a) => connected.has(a.id))
      .map((a) => ({
        agentId: a.id,
        name: a.name,
        openConversations: load.get(a.id) ?? 0,
        maxChats: a.max_chats,
      })),
  };
}
