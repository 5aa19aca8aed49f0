import type { AgentSession } from '@parley/protocol';
import { iso } from '../shared/clock';
import type { SessionRow } from './store';

export function presentSession(row: SessionRow, currentId: string | null): AgentSession {
  return {
    id: row.id,
    current: row.id === currentId,
    userAgent: row.user_agent,
    device: describeUserAgent(row.user_agent),
    ip: row.ip,
    createdAt: iso(row.created_at),
    lastSeenAt: iso(row.last_seen_at),
    expiresAt: iso(row.expires_at),
  };
}

/** Checked in this order: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: [string, RegExp][] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\bOPR\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chromium', /\bChromium\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: [string, RegExp][] = [
  ['iPadOS', /\biPad\b/],
  ['iOS', /\b(?:iPhone|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b/],
  ['Linux', /\bLinux\b/],
];

/** "Firefox 128 on Linux" from a user agent string; null when neither part is recognised. */
export function describeUserAgent(ua: string | null): string | null {
  if (ua === null) return null;
  let browser: string | null = null;
  for (const [name, re] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      browser = `${name} ${m[1] ?? ''}`.trim();
      break;
    }
  }
  const system = SYSTEMS.find(([, re]) => re.test(ua))?.[0] ?? null;
  if (browser !== null && system !== null) return `${browser} on ${system}`;
  return browser ?? system;
}
