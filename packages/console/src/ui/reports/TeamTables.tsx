import type { AnalyticsReport, AnalyticsSummary, AnalyticsTable } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import type { ReportsStore } from '../../state/ReportsStore';
import { CsvLink } from './CsvLink';
import { duration, hours, share } from './format';

/** The figures agents and departments share, in the order of SUMMARY_HEADS. */
const SUMMARY_HEADS = [
  'Handled',
  'Answered',
  'Missed',
  'First response (median)',
  'First response (p90)',
  'Resolution (median)',
  'CSAT',
];

function summaryCells(s: AnalyticsSummary) {
  return (
    <>
      <td>{s.started}</td>
      <td>{s.answered}</td>
      <td>{s.missed}</td>
      <td>{duration(s.firstResponseMs.median)}</td>
      <td>{duration(s.firstResponseMs.p90)}</td>
      <td>{duration(s.resolutionMs.median)}</td>
      <td>
        {share(s.csat.share)} <span class="muted">({s.csat.ratings})</span>
      </td>
    </>
  );
}

interface SummaryTableProps<Row extends AnalyticsSummary> {
  table: Extract<AnalyticsTable, 'agents' | 'departments'>;
  title: string;
  /** The first column's heading (what a row is). */
  subject: string;
  store: ReportsStore;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowName: (row: Row) => string;
  rowAttributes?: (row: Row) => Record<string, string>;
  extraHeads: readonly string[];
  extraCells: (row: Row) => ComponentChildren;
}

/** One table of summaries per agent or department, with a CSV link. */
function SummaryTable<Row extends AnalyticsSummary>(p: SummaryTableProps<Row>) {
  return (
    <section class="card" aria-labelledby={`${p.table}-title`}>
      <div class="section-head">
        <h2 id={`${p.table}-title`}>{p.title}</h2>
        <CsvLink store={p.store} table={p.table} label="CSV" />
      </div>
      <div class="table-scroll">
        <table class="table" id={`${p.table}-table`}>
          <thead>
            <tr>
              {[p.subject, ...SUMMARY_HEADS, ...p.extraHeads].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((row) => (
              <tr key={p.rowKey(row)} {...(p.rowAttributes?.(row) ?? {})}>
                <th scope="row">{p.rowName(row)}</th>
                {summaryCells(row)}
                {p.extraCells(row)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function AgentsTable({ report, store }: { report: AnalyticsReport; store: ReportsStore }) {
  return (
    <SummaryTable
      table="agents"
      title="Agents"
      subject="Agent"
      store={store}
      rows={report.agents}
      rowKey={(a) => a.agentId}
      rowName={(a) => a.name}
      rowAttributes={(a) => ({ 'data-agent': a.agentId })}
      extraHeads={['Online', 'Away', 'Load now']}
      extraCells={(a) => (
        <>
          <td>{hours(a.onlineMs)}</td>
          <td>{hours(a.awayMs)}</td>
          <td>
            {a.openNow} / {a.maxChats}
          </td>
        </>
      )}
    />
  );
}

export function DepartmentsTable({ report, store }: { report: AnalyticsReport; store: ReportsStore }) {
  return (
    <SummaryTable
      table="departments"
      title="Departments"
      subject="Department"
      store={store}
      rows={report.departments}
      rowKey={(d) => d.departmentId ?? 'none'}
      rowName={(d) => d.name}
      extraHeads={['Open now', 'Members online']}
      extraCells={(d) => (
        <>
          <td>{d.openNow}</td>
          <td>{d.membersOnline}</td>
        </>
      )}
    />
  );
}
