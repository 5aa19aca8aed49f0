import type { AnalyticsTable } from '@parley/protocol';
import type { ReportsStore } from '../../state/ReportsStore';

/** A download of one report table as CSV (the server neutralises formula cells). */
export function CsvLink({
  store,
  table,
  label,
}: {
  store: ReportsStore;
  table: AnalyticsTable;
  label: string;
}) {
  return (
    <a class="button csv-link" href={store.csvUrl(table)} download data-table={table}>
      {label}
    </a>
  );
}
