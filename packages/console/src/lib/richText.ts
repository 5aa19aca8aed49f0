/**
 * Message text as an agent sees it: plain text, with web and mail addresses made into links. Only
 * http:, https: and mailto: ever become links; everything else stays text. The result is data for
 * text nodes and <a> elements, never HTML.
 */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A candidate ends at whitespace or at characters that rarely belong to a URL's end.
const CANDIDATE = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gi;
const TRAILING = /[.,;:!?'")\]}]/;

export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (href === null) continue;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/**
 * Punctuation after an address is the sentence's, not the address's; a closing parenthesis stays
 * when it closes one opened inside the address (Wikipedia-style links).
 */
function trimTrailing(candidate: string): string {
  let out = candidate;
  while (out.length > 0 && TRAILING.test(out.at(-1) ?? '')) {
    if (out.endsWith(')') && count(out, '(') >= count(out, ')')) break;
    out = out.slice(0, -1);
  }
  return out;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The address a link may point to, or null: only http(s) and mailto, parsed by the URL parser. */
export function safeHref(candidate: string): string | null {
  let raw = candidate;
  if (/^www\./i.test(raw)) raw = `https://${raw}`;
  else if (!/^[a-z]+:/i.test(raw) && raw.includes('@')) raw = `mailto:${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  if (url.protocol === 'mailto:' && /^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(url.pathname)))
    return url.href;
  return null;
}
