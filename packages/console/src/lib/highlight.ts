/**
 * A search excerpt as parts to render: plain text and highlighted ranges (`[start, end)` in UTF-16
 * code units, from the server). Ranges out of order, overlapping or past the end are tolerated;
 * nothing here is ever HTML.
 */
export interface Part {
  text: string;
  mark: boolean;
}

export function highlightParts(text: string, ranges: readonly (readonly [number, number])[]): Part[] {
  const sorted = ranges
    .map(([a, b]) => [Math.max(0, Math.min(a, text.length)), Math.max(0, Math.min(b, text.length))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const parts: Part[] = [];
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) parts.push({ text: text.slice(at, from), mark: false });
    parts.push({ text: text.slice(from, end), mark: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false });
  return parts;
}
