/**
 * The loader: the one script a host page includes. It does nothing until the page is idle, then
 * fetches the site's widget configuration, reports the page view, decides whether and how the
 * launcher shows (targeting, business hours, agents online), runs the invitation triggers and, only
 * when the visitor opens the chat or a trigger fires, loads the chat UI. `window.Parley` is its
 * only global; calls queued by the stub snippet before it arrived are replayed.
 */
import {
  isUrlTargeted,
  type Trigger,
  type VisitorPollResponse,
  type WidgetConfig,
  type WidgetLanguage,
} from '@parley/protocol';
import { chooseLanguage } from '../shared/language';
import type { ChatMode, MountUi, Shell, WidgetEvents, WidgetUi } from '../shared/shell';
import { key, local, read, session, write } from '../shared/storage';
import { createLauncher, type Launcher } from './launcher';
import { isRefusal, pause, request } from './rest';
import { decideMode } from './rules';
import { createTriggers, type Triggers } from './triggers';

type Listener = (payload: unknown) => void;
const warn = (error: unknown): void => console.warn('Parley: the chat is not available', error);
type Api = Record<string, (...args: never[]) => unknown>;
type Stub = ((...args: unknown[]) => unknown) & { q?: unknown[][]; loaded?: boolean };
const w = window as unknown as { Parley?: Stub };

function boot(script: HTMLScriptElement): void {
  const siteKey = script.dataset.site ?? '';
  const base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, '');
  const listeners: Partial<Record<keyof WidgetEvents, Listener[]>> = {};
  let config: WidgetConfig | undefined;
  let launcher: Launcher | undefined;
  let triggers: Triggers | undefined;
  let ui: Promise<WidgetUi> | undefined;
  let mode: ChatMode | 'hidden' = 'hidden';
  let lang: WidgetLanguage = 'en';
  let forced = false;
  let hiddenByApi = false;
  let ready = false;
  let lastUrl = '';
  let tokenPromise: Promise<string> | undefined;
  let started: () => void = () => undefined;
  /** API calls wait for the idle start (config, launcher); calls made before it are not lost. */
  const whenStarted = new Promise<void>((resolve) => (started = resolve));

  const emit = <K extends keyof WidgetEvents>(event: K, payload: WidgetEvents[K]): void => {
    for (const fn of listeners[event] ?? []) {
      try {
        fn(payload);
      } catch (error) {
        // The page's own listener failed: report it without breaking the widget.
        reportError(error);
      }
    }
  };

  /** Visitor REST call with the token: POST with a body, GET without. */
  const post = <T>(path: string, body?: unknown): Promise<T> =>
    token().then((t) => request<T>(base + path, body, t));

  /** A visitor session (which also records this page view); retried while the server is unreachable. */
  async function newSession(stored: string | null): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Absent values are undefined, which JSON leaves out.
        const r = await request<{ token: string }>(`${base}/api/v1/visitor/session`, {
          siteKey,
          token: stored ?? undefined,
          pageUrl: location.href,
          pageTitle: document.title.slice(0, 500),
          referrer: document.referrer.slice(0, 2000) || undefined,
        });
        write(local, key('token', siteKey), r.token);
        return r.token;
      } catch (error) {
        if (isRefusal(error)) throw error;
        // A returning visitor goes on with the stored token: queued messages can leave at once.
        if (stored !== null) return stored;
        await pause(Math.min(15_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }
  const token = (): Promise<string> => (tokenPromise ??= newSession(read(local, key('token', siteKey))));

  /** A conversation under way, or messages waiting in the outbox. */
  const underWay = (): boolean =>
    read(local, key('active', siteKey)) !== null || read(local, key('outbox', siteKey)) !== null;

  function evaluate(): void {
    if (!config || !launcher) return;
    const next = decideMode(config, Date.now(), { active: underWay(), forced });
    const visible =
      next !== 'hidden' && !hiddenByApi && (forced || isUrlTargeted(config.targeting, location.href));
    launcher.host.hidden = !visible;
    if (next !== mode) {
      mode = next;
      if (ui) void ui.then((u) => u.modeChanged());
    }
  }

  function loadUi(): Promise<WidgetUi> {
    if (!config || !launcher) return Promise.reject(new Error('not ready'));
    const l = launcher;
    const c = config;
    const shell: Shell = {
      base,
      siteKey,
      config: c,
      lang,
      root: l.root,
      mount: l.mount,
      launcher: l.button,
      mode: () => (mode === 'offline' ? 'offline' : 'chat'),
      token,
      renewToken: () => {
        write(local, key('token', siteKey), null);
        return (tokenPromise = newSession(null));
      },
      post,
      panelChanged(open) {
        l.setOpen(open);
        emit(open ? 'open' : 'close', undefined);
      },
      setUnread(count) {
        l.setUnread(count);
        emit('unread', { count });
      },
      emit,
    };
    ui ??= import(/* @vite-ignore */ base + __PARLEY_UI__[lang]).then(
      (m: { mount: MountUi }) => m.mount(shell),
      (error: unknown) => {
        ui = undefined;
        throw error;
      },
    );
    return ui;
  }

  const withUi = (f: (u: WidgetUi) => void): void => {
    loadUi().then(f, warn);
  };

  function fire(t: Trigger): void {
    if (!launcher || launcher.host.hidden) return;
    withUi((u) => u.invite(t.message));
    void post('/api/v1/visitor/events', { name: 'trigger', data: { id: t.id, kind: t.kind } }).catch(
      () => undefined,
    );
  }

  function pageView(first: boolean): void {
    const url = location.href.split('#')[0] ?? '';
    if (url === lastUrl) return;
    lastUrl = url;
    const pages = Number(read(session, key('pages', siteKey)) ?? 0) + 1;
    write(session, key('pages', siteKey), String(pages));
    if (!first) {
      void post('/api/v1/visitor/pageviews', {
        url: location.href,
        title: document.title.slice(0, 500),
      }).catch(() => undefined);
    }
    evaluate();
    triggers?.pageView(location.href, pages);
  }

  /**
   * Single-page apps: route changes are page views. The history methods are wrapped (calling the
   * page's own, then noting the new URL); back and forward come as popstate.
   */
  function watchRoutes(): void {
    const changed = (): void => void setTimeout(() => pageView(false));
    for (const name of ['pushState', 'replaceState'] as const) {
      // Called with the page's History as `this`, below.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = history[name];
      history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        changed();
      };
    }
    addEventListener('popstate', changed);
  }

  async function start(): Promise<void> {
    try {
      config = await request<WidgetConfig>(
        `${base}/api/v1/widget/config?site=${encodeURIComponent(siteKey)}`,
      );
      write(local, key('config', siteKey), JSON.stringify(config));
    } catch (error) {
      const cached = read(local, key('config', siteKey));
      if (isRefusal(error) || cached === null) {
        warn(error);
        return;
      }
      config = JSON.parse(cached) as WidgetConfig;
    }
    const c = config;
    lang = chooseLanguage(c.appearance.language, navigator.languages);
    launcher = createLauncher(c.appearance, lang);
    launcher.button.addEventListener('click', () => api.toggle());
    token().catch((error: unknown) => {
      warn(error);
      hiddenByApi = true;
      evaluate();
    });
    triggers = createTriggers(c.triggers, {
      fired: () => (read(session, key('fired', siteKey)) ?? '').split(' ').filter(Boolean),
      remember: (id) =>
        write(session, key('fired', siteKey), `${read(session, key('fired', siteKey)) ?? ''} ${id}`),
      fire,
    });
    addEventListener('mouseout', (e) => {
      if (e.relatedTarget === null && e.clientY <= 0) triggers?.exitIntent();
    });
    watchRoutes();
    pageView(true);
    // Opening and closing times pass while the page is open: the rules are read again each minute
    // (cheaper in bytes than computing the next change, and a minute late at most).
    setInterval(evaluate, 60_000);
    // A conversation under way, or messages still waiting to be sent: connect now, not on a click.
    if (underWay()) withUi(() => undefined);
    // No socket before the UI loads: while the page is visible (`hidden` is visibilityState !==
    // 'visible'), ask every 20 s (`data-poll` ms) whether an agent is online (the launcher follows)
    // and whether the team wrote, a proactive message; if so, load the UI and open the panel.
    // Once the UI is loaded its socket carries everything.
    setInterval(
      () => {
        if (!ui && !document.hidden)
          post<VisitorPollResponse>('/api/v1/visitor/poll').then((r) => {
            c.agentsOnline = r.agentsOnline;
            evaluate();
            if (r.unread && !launcher?.host.hidden) withUi((u) => u.open());
          }, Boolean);
      },
      +(script.dataset.poll ?? 0) || 2e4,
    );
    ready = true;
    emit('ready', { mode });
  }

  const show = (): void => {
    forced = true;
    hiddenByApi = false;
    evaluate();
  };
  const api = {
    open(): void {
      void whenStarted.then(() => {
        show();
        if (config) withUi((u) => u.open());
      });
    },
    close(): void {
      void whenStarted.then(() => ui?.then((u) => u.close()));
    },
    toggle(): void {
      if (launcher?.button.getAttribute('aria-expanded') === 'true') api.close();
      else api.open();
    },
    show() {
      void whenStarted.then(show);
    },
    hide() {
      void whenStarted.then(() => {
        hiddenByApi = true;
        void ui?.then((u) => u.close());
        evaluate();
      });
    },
    identify(user: { id: string; name?: string; email?: string; hash?: string }) {
      return whenStarted
        .then(() => post<{ token: string | null }>('/api/v1/visitor/identify', user))
        .then((r) => {
          if (r.token !== null) {
            write(local, key('token', siteKey), r.token);
            tokenPromise = Promise.resolve(r.token);
            void ui?.then((u) => u.tokenChanged());
          }
          return r;
        });
    },
    setAttributes(attributes: Record<string, unknown>) {
      return whenStarted.then(() => post('/api/v1/visitor/attributes', { attributes }));
    },
    track(name: string, data?: Record<string, unknown>) {
      return whenStarted.then(() => {
        triggers?.event(name);
        return post('/api/v1/visitor/events', { name, data });
      });
    },
    on(event: keyof WidgetEvents, fn: Listener) {
      (listeners[event] ??= []).push(fn);
      if (event === 'ready' && ready) fn({ mode });
    },
  } satisfies Api;

  const queued = w.Parley?.q ?? [];
  const parley: Stub = Object.assign(
    (method: unknown, ...args: unknown[]) => {
      const fn = (api as Api)[String(method)] as ((...a: unknown[]) => unknown) | undefined;
      if (fn === undefined) throw new TypeError(`Parley: no method ${String(method)}`);
      return fn(...args);
    },
    api,
    { loaded: true },
  );
  w.Parley = parley;
  for (const call of queued) {
    try {
      parley(...call);
    } catch (error) {
      console.warn(error);
    }
  }

  const idle = (): void => {
    const run = (): void => void start().catch(warn).finally(started);
    if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 3000 });
    else setTimeout(run, 200);
  };
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}

const script = document.currentScript;
// Constructed stylesheets (Chrome 73, Firefox 101, Safari 16.4) style the shadow root without any
// CSP exception; a browser without them gets no widget rather than an unstyled one.
if (
  w.Parley?.loaded !== true &&
  script instanceof HTMLScriptElement &&
  'adoptedStyleSheets' in Document.prototype
)
  boot(script);
