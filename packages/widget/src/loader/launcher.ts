import type { Appearance, WidgetLanguage } from '@parley/protocol';
import { textOn } from '../shared/contrast';
import { adoptCss } from '../shared/css';

const SVG = 'http://www.w3.org/2000/svg';
const ICONS: Record<Appearance['launcherIcon'] | 'close', string> = {
  chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z',
  message: 'M3 5h18v14H3zm2 2v.5l7 5 7-5V7z',
  help: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1 15h2v2h-2zm1-12a4 4 0 0 1 1 7.9V15h-2v-4h1a2 2 0 1 0-2-2H8a4 4 0 0 1 4-4z',
  close: 'M5 6.4 6.4 5l5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6z',
};
/** The launcher is a toggle (aria-expanded says open or closed): its name is just "Chat". */
const LABELS: Record<WidgetLanguage, [name: string, unread: string]> = {
  en: ['Chat', 'unread'],
  hu: ['Csevegés', 'olvasatlan'],
  ru: ['Чат', 'непрочитанных'],
};

function icon(d: string, cls: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', cls);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

export interface Launcher {
  host: HTMLElement;
  root: ShadowRoot;
  button: HTMLButtonElement;
  mount: HTMLElement;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
}

/**
 * The widget's host element (`<parley-widget>`, fixed in a corner: it shifts nothing on the page)
 * with an open shadow root holding the launcher button and the element the chat UI renders into.
 */
export function createLauncher(a: Appearance, lang: WidgetLanguage): Launcher {
  const host = document.createElement('parley-widget');
  host.hidden = true;
  host.dataset.position = a.position;
  host.dataset.theme = a.theme;
  // CSSOM writes are not inline-style attributes: a host CSP without 'unsafe-inline' allows them.
  const vars: Record<string, string> = {
    '--pc': a.color,
    '--pt': textOn(a.color),
    '--px': `${a.offsetX}px`,
    '--py': `${a.offsetY}px`,
    '--pz': String(a.zIndex),
  };
  for (const [k, v] of Object.entries(vars)) host.style.setProperty(k, v);
  const root = host.attachShadow({ mode: 'open' });
  adoptCss(root, __LAUNCHER_CSS__);
  const mount = document.createElement('div');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-haspopup', 'dialog');
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.setAttribute('aria-hidden', 'true');
  button.append(icon(ICONS[a.launcherIcon], 'li'), icon(ICONS.close, 'lx'));
  if (a.launcherLabel !== '') {
    const label = document.createElement('span');
    label.className = 'li';
    label.textContent = a.launcherLabel;
    button.append(label);
  }
  button.append(badge);
  root.append(mount, button);
  document.body.append(host);

  const [chat, unreadText] = LABELS[lang];
  let unread = 0;
  const label = (): void => {
    const name = a.launcherLabel || chat;
    button.setAttribute('aria-label', unread > 0 ? `${name} (${unread} ${unreadText})` : name);
  };
  label();
  return {
    host,
    root,
    button,
    mount,
    setOpen(value) {
      host.toggleAttribute('data-open', value);
      button.setAttribute('aria-expanded', String(value));
    },
    setUnread(count) {
      unread = count;
      badge.textContent = count > 0 ? String(Math.min(count, 99)) : '';
      label();
    },
  };
}
