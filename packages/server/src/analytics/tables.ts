import type { AnalyticsReport, AnalyticsSummary, AnalyticsTable } from '@parley/protocol';
import { iso } from '../shared/clock';
import { toCsv, type CsvCell } from './csv';
import type { ConversationList } from './report';
import { ZoneCalendar } from './zone';

/** The tables of the Reports area as CSV (presenters: report → file). Durations in seconds. */

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const SUMMARY_HEADER = [
  'started',
  'answered',
  'missed',
  'offline',
  'waiting',
  'first_response_median_s',
  'first_response_p90_s',
  'resolution_median_s',
  'resolution_p90_s',
  'csat_share',
  'ratings',
  'messages_per_conversation',
];

function summaryCells(s: AnalyticsSummary): CsvCell[] {
  return [
    s.started,
    s.answered,
    s.missed,
    s.offline,
    s.waiting,
    seconds(s.firstResponseMs.median),
    seconds(s.firstResponseMs.p90),
    seconds(s.resolutionMs.median),
    seconds(s.resolutionMs.p90),
    s.csat.share,
    s.csat.ratings,
    s.messagesPerConversation,
  ];
}

export function reportCsv(r: AnalyticsReport, table: Exclude<AnalyticsTable, 'conversations'>): string {
  switch (table) {
    case 'overview': {
      const { current: c, previous: p, change: ch } = r.overview;
      const row = (name: string, cur: CsvCell, prev: CsvCell, change: number | null): CsvCell[] => [
        name,
        cur,
        prev,
        change,
      ];
      return toCsv(
        [
          'metric',
          `current (${r.period.from} to ${r.period.to}, ${r.timeZone})`,
          `previous (${r.previous.from} to ${r.previous.to})`,
          'change',
        ],
        [
          row('conversations started', c.started, p.started, ch.started),
          row('answered', c.answered, p.answered, ch.answered),
          row('missed', c.missed, p.missed, ch.missed),
          row('offline messages', c.offline, p.offline, ch.offline),
          row('waiting', c.waiting, p.waiting, null),
          row(
            'first response median (s)',
            seconds(c.firstResponseMs.median),
            seconds(p.firstResponseMs.median),
            ch.firstResponseMedian,
          ),
          row(
            'first response p90 (s)',
            seconds(c.firstResponseMs.p90),
            seconds(p.firstResponseMs.p90),
            ch.firstResponseP90,
          ),
          row(
            'resolution median (s)',
            seconds(c.resolutionMs.median),
            seconds(p.resolutionMs.median),
            ch.resolutionMedian,
          ),
          row(
            'resolution p90 (s)',
            seconds(c.resolutionMs.p90),
            seconds(p.resolutionMs.p90),
            ch.resolutionP90,
          ),
          row('CSAT (share good)', c.csat.share, p.csat.share, ch.csatShare),
          row('ratings', c.csat.ratings, p.csat.ratings, ch.ratings),
          row(
            'messages per conversation',
            c.messagesPerConversation,
            p.messagesPerConversation,
            ch.messagesPerConversation,
          ),
        ],
      );
    }
    case 'daily':
      return toCsv(
        ['date', ...SUMMARY_HEADER],
        r.daily.map((d) => [d.date, ...summaryCells(d)]),
      );
    case 'heatmap':
      return toCsv(
        ['weekday', ...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)],
        r.heatmap.map((row, i) => [WEEKDAYS[i] ?? '', ...row]),
      );
    case 'agents':
      return toCsv(
        ['agent_id', 'agent', ...SUMMARY_HEADER, 'online_s', 'away_s', 'open_now', 'max_chats', 'status'],
        r.agents.map((a) => [
          a.agentId,
          a.name,
          ...summaryCells(a),
          seconds(a.onlineMs),
          seconds(a.awayMs),
          a.openNow,
          a.maxChats,
          a.status,
        ]),
      );
    case 'departments':
      return toCsv(
        ['department_id', 'department', ...SUMMARY_HEADER, 'open_now', 'members_online'],
        r.departments.map((d) => [d.departmentId, d.name, ...summaryCells(d), d.openNow, d.membersOnline]),
      );
  }
}

export function conversationsCsv(list: ConversationList): string {
  const zone = new ZoneCalendar(list.timeZone);
  const at = (ms: number | null): CsvCell[] => (ms === null ? [null, null] : [iso(ms), zone.localText(ms)]);
  return toCsv(
    [
      'conversation_id',
      'site',
      'department',
      'assignee',
      'source',
      'status',
      'outcome',
      'started_utc',
      `started_local (${list.timeZone})`,
      'first_response_utc',
      'first_response_local',
      'first_response_s',
      'closed_utc',
      'closed_local',
      'resolution_s',
      'rating',
      'messages',
    ],
    list.conversations.map((c) => [
      c.id,
      list.siteNames.get(c.siteId) ?? c.siteId,
      c.departmentId === null ? null : (list.departmentNames.get(c.departmentId) ?? c.departmentId),
      c.assigneeId === null ? null : (list.agentNames.get(c.assigneeId) ?? c.assigneeId),
      c.source,
      c.status,
      c.outcome,
      ...at(c.start),
      ...at(c.firstResponseMs === null ? null : c.start + c.firstResponseMs),
      seconds(c.firstResponseMs),
      ...at(c.status === 'closed' ? c.closedAt : null),
      seconds(c.resolutionMs),
      c.rating,
      c.messages,
    ]),
  );
}
