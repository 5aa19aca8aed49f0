/**
 * A small User-Agent reader: enough to tell an agent "Chrome 126 on Windows, desktop". User agents
 * lie and change; this recognises the common browsers and systems and says "Unknown" otherwise.
 */
export interface ParsedUserAgent {
  browser: string;
  browserVersion: string | null;
  os: string;
  osVersion: string | null;
  device: 'desktop' | 'mobile' | 'tablet' | 'bot';
}

/** Checked in order: many browsers also claim to be Chrome and Safari, so the specific ones go first. */
const BROWSERS: readonly [name: string, pattern: RegExp][] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+(?:\.\d+)?)/],
  ['Opera', /\b(?:OPR|OPT)\/(\d+(?:\.\d+)?)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+(?:\.\d+)?)/],
  ['Yandex Browser', /\bYaBrowser\/(\d+(?:\.\d+)?)/],
  ['Vivaldi', /\bVivaldi\/(\d+(?:\.\d+)?)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+(?:\.\d+)?)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+(?:\.\d+)?)/],
  ['Safari', /\bVersion\/(\d+(?:\.\d+)?)(?:\.\d+)*(?: Mobile\/\w+)? Safari\//],
  ['Internet Explorer', /\b(?:MSIE |Trident\/.*rv:)(\d+(?:\.\d+)?)/],
];

const WINDOWS: Record<string, string> = {
  '10.0': '10 or 11',
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.1': 'XP',
};

const BOT = /bot|crawler|spider|crawling|headless|lighthouse|curl\/|wget\//i;

export function parseUserAgent(ua: string): ParsedUserAgent {
  let browser = 'Unknown browser';
  let browserVersion: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = name;
      browserVersion = majorOf(match[1]);
      break;
    }
  }
  const { os, osVersion } = operatingSystem(ua);
  return { browser, browserVersion, os, osVersion, device: device(ua, os) };
}

/** "Chrome 126 · Windows 10 or 11 · desktop" */
export function describeUserAgent(ua: string): string {
  const p = parseUserAgent(ua);
  const browser = p.browserVersion === null ? p.browser : `${p.browser} ${p.browserVersion}`;
  const os = p.osVersion === null ? p.os : `${p.os} ${p.osVersion}`;
  return `${browser} · ${os} · ${p.device}`;
}

function operatingSystem(ua: string): { os: string; osVersion: string | null } {
  let m: RegExpExecArray | null;
  if ((m = /Windows NT (\d+\.\d+)/.exec(ua)))
    return { os: 'Windows', osVersion: WINDOWS[m[1] ?? ''] ?? null };
  if ((m = /\b(?:iPhone|CPU) OS (\d+)[_.](\d+)/.exec(ua))) {
    return { os: /iPad/.test(ua) ? 'iPadOS' : 'iOS', osVersion: `${m[1] ?? ''}.${m[2] ?? ''}` };
  }
  if ((m = /Android (\d+(?:\.\d+)?)/.exec(ua))) return { os: 'Android', osVersion: m[1] ?? null };
  if (/\bAndroid\b/.test(ua)) return { os: 'Android', osVersion: null };
  if ((m = /Mac OS X (\d+)[_.](\d+)/.exec(ua)))
    return { os: 'macOS', osVersion: `${m[1] ?? ''}.${m[2] ?? ''}` };
  if (/Macintosh/.test(ua)) return { os: 'macOS', osVersion: null };
  if (/CrOS/.test(ua)) return { os: 'ChromeOS', osVersion: null };
  if (/Linux/.test(ua)) return { os: 'Linux', osVersion: null };
  return { os: 'Unknown system', osVersion: null };
}

function device(ua: string, os: string): ParsedUserAgent['device'] {
  if (BOT.test(ua)) return 'bot';
  if (/iPad|Tablet/.test(ua) || (os === 'Android' && !/Mobile/.test(ua))) return 'tablet';
  if (/Mobi|iPhone|iPod/.test(ua)) return 'mobile';
  return 'desktop';
}

function majorOf(version: string | undefined): string | null {
  if (version === undefined) return null;
  return version.split('.')[0] ?? null;
}
