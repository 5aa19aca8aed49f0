import * as z from 'zod';
import { Id, Timestamp } from './entities';
import { isTimeZone } from './hours';

/**
 * The analytics API (docs/analytics.md defines every figure). Durations are milliseconds; shares
 * are fractions 0…1; `null` means "no value" (no ratings, no replies), never zero.
 */

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** The filters every report, table and export takes. `from`/`to`: calendar days, both included. */
export const AnalyticsQuery = z.object({
  from: LocalDate,
  to: LocalDate,
  siteId: Id.optional(),
  departmentId: Id.optional(),
  /** The assignee. Agents may only name themselves. */
  agentId: Id.optional(),
  /** IANA zone; default: the site's business-hours zone (docs/analytics.md). */
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'an IANA time zone').optional(),
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

export const Percentiles = z.object({
  /** Nearest-rank median of the values (an observed value). */
  median: z.number().int().nullable(),
  p90: z.number().int().nullable(),
  /** How many values. */
  count: z.number().int().nonnegative(),
});

/** The figures of one group of conversations (the period, a day, an agent, a department). */
export const AnalyticsSummary = z.object({
  started: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  missed: z.number().int().nonnegative(),
  offline: z.number().int().nonnegative(),
  /** Chats without a reply whose deadline has not passed yet. */
  waiting: z.number().int().nonnegative(),
  firstResponseMs: Percentiles,
  resolutionMs: Percentiles,
  csat: z.object({
    share: z.number().min(0).max(1).nullable(),
    good: z.number().int().nonnegative(),
    ratings: z.number().int().nonnegative(),
  }),
  /** Public visitor, agent and bot messages in these conversations. */
  messages: z.number().int().nonnegative(),
  messagesPerConversation: z.number().nullable(),
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;

/** Relative change against the previous period: (current − previous) / previous; null when undefined. */
export const AnalyticsChange = z.object({
  started: z.number().nullable(),
  answered: z.number().nullable(),
  missed: z.number().nullable(),
  offline: z.number().nullable(),
  firstResponseMedian: z.number().nullable(),
  firstResponseP90: z.number().nullable(),
  resolutionMedian: z.number().nullable(),
  resolutionP90: z.number().nullable(),
  csatShare: z.number().nullable(),
  ratings: z.number().nullable(),
  messagesPerConversation: z.number().nullable(),
});
export type AnalyticsChange = z.infer<typeof AnalyticsChange>;

const Period = z.object({
  from: LocalDate,
  to: LocalDate,
  start: Timestamp,
  /** Exclusive. */
  end: Timestamp,
});

export const AnalyticsDay = AnalyticsSummary.extend({ date: LocalDate });
export type AnalyticsDay = z.infer<typeof AnalyticsDay>;

export const AnalyticsAgentRow = AnalyticsSummary.extend({
  agentId: Id,
  name: z.string(),
  /** Time in each status within the period, up to now (status history). */
  onlineMs: z.number().int().nonnegative(),
  awayMs: z.number().int().nonnegative(),
  /** Now: conversations assigned that are not closed, and the agent's limit. */
  openNow: z.number().int().nonnegative(),
  maxChats: z.number().int().nonnegative(),
  status: z.enum(['online', 'away', 'offline']),
});
export type AnalyticsAgentRow = z.infer<typeof AnalyticsAgentRow>;

export const AnalyticsDepartmentRow = AnalyticsSummary.extend({
  /** Null: conversations without a department. */
  departmentId: Id.nullable(),
  name: z.string(),
  openNow: z.number().int().nonnegative(),
  membersOnline: z.number().int().nonnegative(),
});
export type AnalyticsDepartmentRow = z.infer<typeof AnalyticsDepartmentRow>;

/** `GET /api/v1/analytics/report`. */
export const AnalyticsReport = z.object({
  timeZone: z.string(),
  period: Period,
  previous: Period,
  /** 'own': the caller is a plain agent and every figure covers its own conversations only. */
  scope: z.enum(['all', 'own']),
  generatedAt: Timestamp,
  overview: z.object({ current: AnalyticsSummary, previous: AnalyticsSummary, change: AnalyticsChange }),
  /** One entry per calendar day of the period, in order. */
  daily: z.array(AnalyticsDay),
  /** Conversations started by local weekday (0 = Monday … 6 = Sunday) × local hour (0…23). */
  heatmap: z.array(z.array(z.number().int().nonnegative()).length(24)).length(7),
  agents: z.array(AnalyticsAgentRow),
  departments: z.array(AnalyticsDepartmentRow),
});
export type AnalyticsReport = z.infer<typeof AnalyticsReport>;

export const LiveQuery = z.object({ siteId: Id.optional() });

/** `GET /api/v1/analytics/live`: now, not a period. */
export const AnalyticsLive = z.object({
  generatedAt: Timestamp,
  /** Widget connections open now (any node) on the chosen sites. */
  visitorsOnline: z.number().int().nonnegative(),
  /** Not closed, not snoozed, the visitor spoke last. Longest wait first (at most 50 listed). */
  waiting: z.array(
    z.object({
      conversationId: Id,
      siteId: Id,
      visitorName: z.string().nullable(),
      assigneeId: Id.nullable(),
      departmentId: Id.nullable(),
      since: Timestamp,
      waitedMs: z.number().int().nonnegative(),
    }),
  ),
  waitingCount: z.number().int().nonnegative(),
  longestWaitMs: z.number().int().nonnegative().nullable(),
  unassigned: z.number().int().nonnegative(),
  /** Agents of the chosen sites with status online and a live console connection. */
  agents: z.array(
    z.object({
      agentId: Id,
      name: z.string(),
      openConversations: z.number().int().nonnegative(),
      maxChats: z.number().int().nonnegative(),
    }),
  ),
});
export type AnalyticsLive = z.infer<typeof AnalyticsLive>;

export const ANALYTICS_TABLES = [
  'overview',
  'daily',
  'heatmap',
  'agents',
  'departments',
  'conversations',
] as const;
export const AnalyticsTable = z.enum(ANALYTICS_TABLES);
export type AnalyticsTable = z.infer<typeof AnalyticsTable>;
export const AnalyticsExportParams = z.object({ table: AnalyticsTable });
/** The CSV body (RFC 4180, formula cells neutralised). */
export const AnalyticsCsv = z.string().describe('text/csv; RFC 4180, header row, CRLF line ends');
