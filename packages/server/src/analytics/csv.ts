/**
 * CSV as RFC 4180 describes it (comma, CRLF, header row, fields with a comma, quote, CR or LF
 * quoted, quotes doubled), with text cells that a spreadsheet would run as a formula neutralised:
 * a leading `=`, `+`, `-`, `@`, tab or CR gets an apostrophe in front (OWASP's advice), so the
 * cell shows as text. Numbers are written as numbers and are never touched.
 */
export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
