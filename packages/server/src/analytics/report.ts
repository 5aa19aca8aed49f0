import type { Kysely } from 'kysely';
import type { AnalyticsReport, AnalyticsTable } from '@parley/protocol';
import type { DB } from '../db/schema';
import { readSettings } from '../sites/settings';
import { parseJsonColumn } from '../shared/json';
import {
  ReportBuilder,
  classifier,
  periodsOf,
  type AgentInput,
  type Classified,
  type DepartmentInput,
  type SiteInput,
} from './metrics';
import { analyticsStore } from './store';
import { conversationsCsv, reportCsv } from './tables';

/**
 * A report as the caller may see it, already checked (analytics/actions.ts): plain data, so that
 * it crosses to the analytics worker as it is.
 */
export interface ReportParams {
  siteIds: string[];
  /** Day numbers (days since 1970-01-01) of the first and last calendar day. */
  fromDay: number;
  toDay: number;
  timeZone: string;
  departmentId?: string | undefined;
  /** Only conversations assigned to this agent (the agent filter, or a plain agent's own scope). */
  assigneeId?: string | undefined;
  scope: 'all' | 'own';
}

export type AnalyticsJob =
  | { kind: 'report'; params: ReportParams; now: number }
  | { kind: 'csv'; table: AnalyticsTable; params: ReportParams; now: number };

export async function runJob(db: Kysely<DB>, job: AnalyticsJob): Promise<AnalyticsReport | string> {
  if (job.kind === 'report') return computeReport(db, job.params, job.now);
  if (job.table === 'conversations') return conversationsCsv(await conversationList(db, job.params, job.now));
  return reportCsv(await computeReport(db, job.params, job.now), job.table);
}

async function siteInputs(db: Kysely<DB>, siteIds: readonly string[]) {
  const [sites, access] = await Promise.all([
    analyticsStore.sites(db, siteIds),
    analyticsStore.agentsOfSites(db, siteIds),
  ]);
  const everywhere = access.agents.filter((a) => a.role !== 'agent').map((a) => a.id);
  const inputs = new Map<string, SiteInput & { name: string }>();
  for (const s of sites) {
    const settings = readSettings(parseJsonColumn(s.settings, {}));
    const members = access.memberships.filter((m) => m.site_id === s.id).map((m) => m.agent_id);
    inputs.set(s.id, {
      name: s.name,
      thresholdMs: settings.missedAfterSeconds * 1000,
      hours: settings.hours,
      agentIds: [...new Set([...everywhere, ...members])],
    });
  }
  return { inputs, agents: access.agents };
}

export async function computeReport(
  db: Kysely<DB>,
  params: ReportParams,
  now: number,
): Promise<AnalyticsReport> {
  const p = periodsOf(params.fromDay, params.toDay, params.timeZone);
  const { inputs, agents: withAccess } = await siteInputs(db, params.siteIds);
  // The agents table: one agent (own scope, or the agent filter), or everyone with access plus
  // whoever holds conversations of the period without having access any more.
  let listed = withAccess.filter((a) =>
    params.assigneeId === undefined ? true : a.id === params.assigneeId,
  );
  const until = Math.min(p.end, now);
  const statusIds = new Set([...listed.map((a) => a.id), ...[...inputs.values()].flatMap((s) => s.agentIds)]);
  const statusLog = await analyticsStore.statusLog(db, [...statusIds], p.prevStart, until);

  const report = new ReportBuilder({
    timeZone: params.timeZone,
    fromDay: params.fromDay,
    toDay: params.toDay,
    now,
    scope: params.scope,
    sites: inputs,
    statusLog,
  });
  const filter = factFilter(params);
  // One after the other, never both at once: on a small machine a report must leave a core to
  // the live chat (docs/performance.md, "Analytics").
  await analyticsStore.forEachFact(db, { ...filter, start: p.prevStart, end: p.start }, 'previous', (c) => {
    report.addPrevious(c);
  });
  await analyticsStore.forEachFact(db, { ...filter, start: p.start, end: p.end }, 'period', (c) => {
    report.addCurrent(c);
  });

  const holders = new Set(report.assignees());
  const known = new Set(listed.map((a) => a.id));
  const missing = [...holders].filter((id) => !known.has(id));
  if (params.assigneeId !== undefined && !known.has(params.assigneeId)) missing.push(params.assigneeId);
  if (missing.length > 0) {
    listed = [...listed, ...(await analyticsStore.agentsByIds(db, missing))];
    for (const [id, log] of await analyticsStore.statusLog(db, missing, p.start, until))
      statusLog.set(id, log);
  }
  // Deactivated agents appear only when they hold conversations of the period.
  listed = listed.filter((a) => a.active === 1 || holders.has(a.id) || a.id === params.assigneeId);

  const open = await analyticsStore.openNow(db, params.siteIds, params.assigneeId);
  const openByAgent = new Map<string, number>();
  const openByDepartment = new Map<string | null, number>();
  for (const r of open) {
    if (params.departmentId !== undefined && r.department_id !== params.departmentId) continue;
    if (r.assignee_id !== null) openByAgent.set(r.assignee_id, (openByAgent.get(r.assignee_id) ?? 0) + r.n);
    openByDepartment.set(r.department_id, (openByDepartment.get(r.department_id) ?? 0) + r.n);
  }
  const agents: AgentInput[] = listed.map((a) => ({
    id: a.id,
    name: a.name,
    status: a.status,
    maxChats: a.max_chats,
    openNow: openByAgent.get(a.id) ?? 0,
  }));

  const departments = await departmentInputs(db, params, openByDepartment);
  return report.finish(agents, departments, statusLog);
}

/** The conversations a report reads: its sites, department and agent filters (dates apart). */
function factFilter(params: ReportParams) {
  return { siteIds: params.siteIds, departmentId: params.departmentId, assigneeId: params.assigneeId };
}

async function departmentInputs(
  db: Kysely<DB>,
  params: ReportParams,
  openByDepartment: ReadonlyMap<string | null, number>,
): Promise<DepartmentInput[]> {
  const all = await analyticsStore.departments(db, params.siteIds);
  const chosen = params.departmentId === undefined ? all : all.filter((d) => d.id === params.departmentId);
  const members = await analyticsStore.departmentMembers(
    db,
    chosen.map((d) => d.id),
  );
  const online = new Set(
    (await analyticsStore.agentsByIds(db, [...new Set(members.map((m) => m.agent_id))]))
      .filter(
        (a) =>
          a.status === 'online' && a.active === 1 && (params.scope === 'all' || a.id === params.assigneeId),
      )
      .map((a) => a.id),
  );
  const rows: DepartmentInput[] = chosen.map((d) => ({
    id: d.id,
    name: d.name,
    openNow: openByDepartment.get(d.id) ?? 0,
    membersOnline: members.filter((m) => m.department_id === d.id && online.has(m.agent_id)).length,
  }));
  if (params.departmentId === undefined) {
    rows.push({
      id: null,
      name: 'No department',
      openNow: openByDepartment.get(null) ?? 0,
      membersOnline: 0,
    });
  }
  return rows;
}

export interface ConversationList {
  timeZone: string;
  conversations: Classified[];
  siteNames: Map<string, string>;
  agentNames: Map<string, string>;
  departmentNames: Map<string, string>;
}

/** The raw list behind the figures: the period's conversations started, classified. */
export async function conversationList(
  db: Kysely<DB>,
  params: ReportParams,
  now: number,
): Promise<ConversationList> {
  const p = periodsOf(params.fromDay, params.toDay, params.timeZone);
  const { inputs, agents } = await siteInputs(db, params.siteIds);
  const statusLog = await analyticsStore.statusLog(
    db,
    [...new Set([...inputs.values()].flatMap((s) => s.agentIds))],
    p.start,
    Math.min(p.end, now),
  );
  const classify = classifier({ sites: inputs, statusLog, now }, p.start);
  const conversations: Classified[] = [];
  const filter = factFilter(params);
  await analyticsStore.forEachFact(db, { ...filter, start: p.start, end: p.end }, 'list', (c) => {
    const kept = classify({ ...c });
    if (kept !== null) conversations.push(kept);
  });
  conversations.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const assignees = [...new Set(conversations.map((c) => c.assigneeId).filter((x) => x !== null))];
  const agentNames = new Map(agents.map((a) => [a.id, a.name]));
  const unknown = assignees.filter((id) => !agentNames.has(id));
  for (const a of await analyticsStore.agentsByIds(db, unknown)) agentNames.set(a.id, a.name);
  const departments = await analyticsStore.departments(db, params.siteIds);
  return {
    timeZone: params.timeZone,
    conversations,
    siteNames: new Map([...inputs].map(([id, s]) => [id, s.name])),
    agentNames,
    departmentNames: new Map(departments.map((d) => [d.id, d.name])),
  };
}
