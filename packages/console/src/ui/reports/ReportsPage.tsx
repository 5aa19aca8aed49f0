import type { AnalyticsReport } from '@parley/protocol';
import { useEffect, useMemo } from 'preact/hooks';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { ReportsStore, type Preset } from '../../state/ReportsStore';
import { useStores } from '../hooks';
import { change, decimal, duration, share, shortDuration, WEEKDAYS } from './format';
import { UPlotChart, type ChartSeries } from './UPlotChart';
import { CsvLink } from './CsvLink';
import { AgentsTable, DepartmentsTable } from './TeamTables';

const PRESETS: [Preset, string][] = [
  ['today', 'Today'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['custom', 'Custom'],
];

/** The Reports area (docs/analytics.md defines every figure shown here). Loaded on demand. */
export function ReportsPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { directory } = runtime;
  const store = useMemo(
    () =>
      new ReportsStore(runtime.api, (siteId) => {
        const site = siteId === null ? directory.sites[0] : directory.site(siteId);
        const hoursSetting = site?.settings.hours as { timeZone?: unknown } | undefined;
        return typeof hoursSetting?.timeZone === 'string'
          ? hoursSetting.timeZone
          : Intl.DateTimeFormat().resolvedOptions().timeZone;
      }),
    [runtime, directory],
  );
  useStores(store, directory);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  const r = store.report;
  return (
    <main class="page reports" aria-labelledby="reports-title">
      <div class="page-head">
        <h1 id="reports-title">Reports</h1>
        {r && (
          <p class="muted" id="reports-period">
            {r.period.from} to {r.period.to} · {r.timeZone}
            {r.scope === 'own' && ' · your own conversations'}
          </p>
        )}
      </div>
      <Filters store={store} runtime={runtime} />
      {store.error !== null && (
        <p class="form-error" role="alert">
          {store.error}
        </p>
      )}
      <LiveNow store={store} runtime={runtime} />
      {r === null ? (
        <p class="page-loading">Loading…</p>
      ) : (
        <div aria-busy={store.loading}>
          <Overview report={r} store={store} />
          <DailyCharts report={r} store={store} />
          <Heatmap report={r} store={store} />
          <AgentsTable report={r} store={store} />
          <DepartmentsTable report={r} store={store} />
          <section class="card">
            <h2>Raw data</h2>
            <p>Every conversation of the period with its timings, one row each.</p>
            <CsvLink store={store} table="conversations" label="Download the conversations (CSV)" />
          </section>
        </div>
      )}
    </main>
  );
}

function Filters({ store, runtime }: { store: ReportsStore; runtime: ConsoleRuntime }) {
  const f = store.filters;
  const { directory } = runtime;
  const departments =
    f.siteId === null
      ? directory.departments
      : directory.departments.filter((d) => d.siteId === null || d.siteId === f.siteId);
  return (
    <form class="card reports-filters" aria-label="Report filters" onSubmit={(e) => e.preventDefault()}>
      <fieldset class="segmented">
        <legend class="visually-hidden">Period</legend>
        {PRESETS.map(([preset, label]) => (
          <button
            key={preset}
            type="button"
            aria-pressed={f.preset === preset}
            onClick={() => store.update({ preset })}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <label>
        From
        <input
          type="date"
          value={f.from}
          max={f.to}
          onChange={(e) => store.update({ from: e.currentTarget.value })}
        />
      </label>
      <label>
        To
        <input
          type="date"
          value={f.to}
          min={f.from}
          onChange={(e) => store.update({ to: e.currentTarget.value })}
        />
      </label>
      <label>
        Site
        <select
          value={f.siteId ?? ''}
          onChange={(e) => store.update({ siteId: e.currentTarget.value || null, departmentId: null })}
        >
          <option value="">All sites</option>
          {directory.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Department
        <select
          value={f.departmentId ?? ''}
          onChange={(e) => store.update({ departmentId: e.currentTarget.value || null })}
        >
          <option value="">All departments</option>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      {directory.isAdmin && (
        <label>
          Agent
          <select
            value={f.agentId ?? ''}
            onChange={(e) => store.update({ agentId: e.currentTarget.value || null })}
          >
            <option value="">Everyone</option>
            {directory.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}

interface Tile {
  id: string;
  label: string;
  value: string;
  previous: string;
  change: number | null;
  /** A rise is good news (answered) or bad news (missed, waiting times). */
  goodWhenUp: boolean;
}

function tiles(r: AnalyticsReport): Tile[] {
  const { current: c, previous: p, change: ch } = r.overview;
  return [
    {
      id: 'started',
      label: 'Conversations',
      value: String(c.started),
      previous: String(p.started),
      change: ch.started,
      goodWhenUp: true,
    },
    {
      id: 'answered',
      label: 'Answered',
      value: String(c.answered),
      previous: String(p.answered),
      change: ch.answered,
      goodWhenUp: true,
    },
    {
      id: 'missed',
      label: 'Missed',
      value: String(c.missed),
      previous: String(p.missed),
      change: ch.missed,
      goodWhenUp: false,
    },
    {
      id: 'offline',
      label: 'Offline messages',
      value: String(c.offline),
      previous: String(p.offline),
      change: ch.offline,
      goodWhenUp: false,
    },
    {
      id: 'frt-median',
      label: 'First response, median',
      value: duration(c.firstResponseMs.median),
      previous: duration(p.firstResponseMs.median),
      change: ch.firstResponseMedian,
      goodWhenUp: false,
    },
    {
      id: 'frt-p90',
      label: 'First response, p90',
      value: duration(c.firstResponseMs.p90),
      previous: duration(p.firstResponseMs.p90),
      change: ch.firstResponseP90,
      goodWhenUp: false,
    },
    {
      id: 'res-median',
      label: 'Resolution, median',
      value: duration(c.resolutionMs.median),
      previous: duration(p.resolutionMs.median),
      change: ch.resolutionMedian,
      goodWhenUp: false,
    },
    {
      id: 'res-p90',
      label: 'Resolution, p90',
      value: duration(c.resolutionMs.p90),
      previous: duration(p.resolutionMs.p90),
      change: ch.resolutionP90,
      goodWhenUp: false,
    },
    {
      id: 'csat',
      label: `CSAT (${String(c.csat.ratings)} ratings)`,
      value: share(c.csat.share),
      previous: share(p.csat.share),
      change: ch.csatShare,
      goodWhenUp: true,
    },
    {
      id: 'messages',
      label: 'Messages per conversation',
      value: decimal(c.messagesPerConversation),
      previous: decimal(p.messagesPerConversation),
      change: ch.messagesPerConversation,
      goodWhenUp: true,
    },
  ];
}

function Overview({ report, store }: { report: AnalyticsReport; store: ReportsStore }) {
  return (
    <section class="card" aria-labelledby="overview-title">
      <div class="section-head">
        <h2 id="overview-title">Overview</h2>
        <CsvLink store={store} table="overview" label="CSV" />
      </div>
      <ul class="tiles" id="overview">
        {tiles(report).map((t) => (
          <li key={t.id} class="tile" data-metric={t.id}>
            <span class="tile-label">{t.label}</span>
            <strong class="tile-value">{t.value}</strong>
            <span
              class="tile-change"
              data-tone={
                t.change === null || t.change === 0 ? 'flat' : t.change > 0 === t.goodWhenUp ? 'good' : 'bad'
              }
              title={`Previous period (${report.previous.from} to ${report.previous.to}): ${t.previous}`}
            >
              {change(t.change)} <span class="muted">vs {t.previous}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function DayTable({
  caption,
  report,
  columns,
}: {
  caption: string;
  report: AnalyticsReport;
  columns: [string, (d: AnalyticsReport['daily'][number]) => string][];
}) {
  return (
    <details class="chart-table">
      <summary>{caption} as a table</summary>
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {columns.map(([name]) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.daily.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              {columns.map(([name, cell]) => (
                <td key={name}>{cell(d)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const count = (v: number | null): string => (v === null ? '–' : String(Math.round(v)));
const percent = (v: number | null): string => (v === null ? '–' : `${String(Math.round(v * 100))} %`);

function DailyCharts({ report, store }: { report: AnalyticsReport; store: ReportsStore }) {
  const labels = useMemo(() => report.daily.map((d) => d.date), [report]);
  const volume: ChartSeries[] = useMemo(
    () => [
      {
        label: 'Answered',
        color: '--chart-answered',
        kind: 'bar',
        values: report.daily.map((d) => d.answered),
      },
      { label: 'Missed', color: '--chart-missed', kind: 'bar', values: report.daily.map((d) => d.missed) },
      { label: 'Offline', color: '--chart-offline', kind: 'bar', values: report.daily.map((d) => d.offline) },
    ],
    [report],
  );
  const response: ChartSeries[] = useMemo(
    () => [
      {
        label: 'Median',
        color: '--chart-median',
        kind: 'line',
        values: report.daily.map((d) => d.firstResponseMs.median),
      },
      {
        label: 'p90',
        color: '--chart-p90',
        kind: 'line',
        values: report.daily.map((d) => d.firstResponseMs.p90),
      },
    ],
    [report],
  );
  const csat: ChartSeries[] = useMemo(
    () => [
      { label: 'CSAT', color: '--chart-csat', kind: 'line', values: report.daily.map((d) => d.csat.share) },
    ],
    [report],
  );
  return (
    <section class="card" aria-labelledby="daily-title">
      <div class="section-head">
        <h2 id="daily-title">Day by day</h2>
        <CsvLink store={store} table="daily" label="CSV" />
      </div>
      <h3>Conversations per day</h3>
      <UPlotChart
        labels={labels}
        series={volume}
        format={count}
        integers
        ariaLabel="Conversations per day: answered, missed and offline, stacked"
      />
      <DayTable
        caption="Conversations per day"
        report={report}
        columns={[
          ['Answered', (d) => String(d.answered)],
          ['Missed', (d) => String(d.missed)],
          ['Offline', (d) => String(d.offline)],
          ['Waiting', (d) => String(d.waiting)],
        ]}
      />
      <h3>First response time</h3>
      <UPlotChart
        labels={labels}
        series={response}
        format={duration}
        axisFormat={shortDuration}
        ariaLabel="First response time per day, median and p90"
      />
      <DayTable
        caption="First response time per day"
        report={report}
        columns={[
          ['Median', (d) => duration(d.firstResponseMs.median)],
          ['p90', (d) => duration(d.firstResponseMs.p90)],
          ['Replies', (d) => String(d.firstResponseMs.count)],
        ]}
      />
      <h3>Customer satisfaction</h3>
      <UPlotChart labels={labels} series={csat} format={percent} ariaLabel="Share of good ratings per day" />
      <DayTable
        caption="Customer satisfaction per day"
        report={report}
        columns={[
          ['Good', (d) => share(d.csat.share)],
          ['Ratings', (d) => String(d.csat.ratings)],
        ]}
      />
    </section>
  );
}

function Heatmap({ report, store }: { report: AnalyticsReport; store: ReportsStore }) {
  const max = Math.max(1, ...report.heatmap.flat());
  return (
    <section class="card" aria-labelledby="heatmap-title">
      <div class="section-head">
        <h2 id="heatmap-title">When conversations start</h2>
        <CsvLink store={store} table="heatmap" label="CSV" />
      </div>
      <div class="heatmap-wrap">
        <table class="heatmap" id="heatmap">
          <caption class="visually-hidden">
            Conversations started by day of the week and hour ({report.timeZone})
          </caption>
          <thead>
            <tr>
              <td />
              {Array.from({ length: 24 }, (_, h) => (
                <th key={h} scope="col">
                  {String(h).padStart(2, '0')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.heatmap.map((row, day) => (
              <tr key={day}>
                <th scope="row">{WEEKDAYS[day]}</th>
                {row.map((n, h) => (
                  <td
                    key={h}
                    data-level={n === 0 ? 0 : Math.min(5, 1 + Math.floor((n / max) * 4.999))}
                    title={`${WEEKDAYS[day] ?? ''} ${String(h).padStart(2, '0')}:00 – ${String(n)} conversations`}
                  >
                    {n}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LiveNow({ store, runtime }: { store: ReportsStore; runtime: ConsoleRuntime }) {
  const live = store.live;
  if (live === null) return null;
  return (
    <section class="card live-now" aria-labelledby="live-title">
      <h2 id="live-title">Live now</h2>
      <ul class="tiles" id="live">
        <li class="tile" data-metric="visitors">
          <span class="tile-label">Visitors on the site</span>
          <strong class="tile-value">{live.visitorsOnline}</strong>
        </li>
        <li class="tile" data-metric="waiting">
          <span class="tile-label">Chats waiting ({live.unassigned} unassigned)</span>
          <strong class="tile-value">{live.waitingCount}</strong>
        </li>
        <li class="tile" data-metric="longest">
          <span class="tile-label">Longest wait</span>
          <strong class="tile-value">{duration(live.longestWaitMs)}</strong>
        </li>
        <li class="tile" data-metric="agents">
          <span class="tile-label">Agents online</span>
          <strong class="tile-value">{live.agents.length}</strong>
        </li>
      </ul>
      {live.waiting.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">Chats waiting, longest first</caption>
          <thead>
            <tr>
              <th scope="col">Visitor</th>
              <th scope="col">Waiting</th>
              <th scope="col">Assigned to</th>
            </tr>
          </thead>
          <tbody>
            {live.waiting.slice(0, 10).map((w) => (
              <tr key={w.conversationId}>
                <th scope="row">
                  <a href={`#/c/${encodeURIComponent(w.conversationId)}`}>{w.visitorName ?? 'Visitor'}</a>
                </th>
                <td>{duration(w.waitedMs)}</td>
                <td>
                  {w.assigneeId === null ? 'Nobody' : (runtime.directory.agentName(w.assigneeId) ?? '–')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {live.agents.length > 0 && (
        <p class="live-agents">
          {live.agents.map((a) => (
            <span key={a.agentId} class="chip">
              {a.name}: {a.openConversations} / {a.maxChats}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}
