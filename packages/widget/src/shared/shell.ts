import type { WidgetConfig, WidgetLanguage } from '@parley/protocol';

/** What the chat is for on this page now: a live chat, or the form that leaves a message. */
export type ChatMode = 'chat' | 'offline';

/** Events of `Parley.on(event, fn)`. */
export interface WidgetEvents {
  ready: { mode: ChatMode | 'hidden' };
  open: undefined;
  close: undefined;
  /** A message from the team (agent, bot or system) arrived. */
  message: { body: string; author: string | null; at: string };
  unread: { count: number };
}

/** A visitor REST call failed; `status` 0 = the server could not be reached. */
export interface RestError {
  status: number;
  code: string;
  message: string;
}

/**
 * What the loader hands to the chat UI it loaded (`mount(shell)`). The loader owns the page-level
 * concerns (config, visitor token, launcher, JS API); the UI owns the panel and the socket.
 */
export interface Shell {
  /** Origin (+ path) of the Parley server, no trailing slash. */
  readonly base: string;
  readonly siteKey: string;
  readonly config: WidgetConfig;
  readonly lang: WidgetLanguage;
  readonly root: ShadowRoot;
  /** Where the UI renders its panel (inside the shadow root). */
  readonly mount: HTMLElement;
  readonly launcher: HTMLButtonElement;
  mode: () => ChatMode;
  /** The visitor token; resolves once the server issued one (it retries by itself while unreachable). */
  token: () => Promise<string>;
  /** The stored token was refused (4401): drop it and get a new visitor. */
  renewToken: () => Promise<string>;
  /** Visitor REST call with the token: `POST base + path`. */
  post<T>(path: string, body: unknown): Promise<T>;
  /** The panel opened or closed (the loader updates the launcher and tells `Parley.on` listeners). */
  panelChanged: (open: boolean) => void;
  setUnread: (count: number) => void;
  emit<K extends keyof WidgetEvents>(event: K, payload: WidgetEvents[K]): void;
}

/** What `mount` returns: the loader drives the panel through it. */
export interface WidgetUi {
  open: () => void;
  close: () => void;
  /** A proactive invitation (a trigger fired): shown as a teaser next to the launcher. */
  invite: (message: string) => void;
  /** identify() switched to another visitor (same person, another browser): reconnect as it. */
  tokenChanged: () => void;
  /** Business hours or availability changed while the page is open. */
  modeChanged: () => void;
}

export type MountUi = (shell: Shell) => WidgetUi;
