import type { Shell } from '../shared/shell';
import type { Chat } from './chat';
import { Composer } from './Composer';
import { SiteForm } from './Forms';
import type { Texts } from './i18n/en';
import { Thread } from './Thread';
import { Avatar } from './text';

export interface View {
  open: boolean;
  /** The invitation of the last trigger that fired. */
  invitation: string | null;
  /** Shown next to the launcher while the panel is closed. */
  teaser: boolean;
  prechatDone: boolean;
  offlineSent: boolean;
}

export interface Actions {
  open: () => void;
  close: () => void;
  dismissTeaser: () => void;
  prechatDone: () => void;
  offlineSent: () => void;
}

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]):not([hidden]),select,textarea,[tabindex="0"]';

/** Tab and Shift+Tab stay inside the open panel; Escape closes it (focus returns to the launcher). */
function trapKeys(e: KeyboardEvent, panel: HTMLElement, close: () => void): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    close();
    return;
  }
  if (e.key !== 'Tab') return;
  const items = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  const first = items[0];
  const last = items.at(-1);
  const active = (panel.getRootNode() as ShadowRoot).activeElement;
  if (first === undefined || last === undefined) return;
  if (e.shiftKey && (active === first || !panel.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !panel.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

function Body({
  chat,
  shell,
  t,
  view,
  actions,
}: {
  chat: Chat;
  shell: Shell;
  t: Texts;
  view: View;
  actions: Actions;
}) {
  const store = chat.store;
  if (store.unavailable) return <p class="notice">{t.unavailable}</p>;
  const started = store.source.conversations().length > 0 || store.source.pending().length > 0;
  // The offline form's message opens a conversation: from then on it is a chat the team answers
  // later, shown under the thank-you note.
  if (shell.mode() === 'offline' && (view.offlineSent || !store.hasActive())) {
    if (!view.offlineSent) {
      return (
        <>
          <p class="notice">{shell.config.appearance.awayMessage || t.away}</p>
          <SiteForm kind="offline" shell={shell} t={t} done={actions.offlineSent} />
        </>
      );
    }
    if (!store.hasActive()) return <p class="notice">{t.offlineSent}</p>;
  }
  if (shell.config.prechatForm.enabled && !view.prechatDone && !started) {
    return (
      <>
        <p class="notice">{view.invitation ?? (shell.config.appearance.greeting || t.greeting)}</p>
        <SiteForm kind="prechat" shell={shell} t={t} done={actions.prechatDone} />
      </>
    );
  }
  return (
    <>
      {view.offlineSent && <p class="notice">{t.offlineSent}</p>}
      <Thread chat={chat} shell={shell} t={t} invitation={view.invitation} />
      <Composer chat={chat} shell={shell} t={t} />
    </>
  );
}

export function App({
  chat,
  shell,
  t,
  view,
  actions,
}: {
  chat: Chat;
  shell: Shell;
  t: Texts;
  view: View;
  actions: Actions;
}) {
  const { appearance } = shell.config;
  const store = chat.store;
  const current = store.current();
  const assignee =
    appearance.showAgents && current !== undefined && 'assignee' in current ? current.assignee : null;
  const team = appearance.showAgents ? shell.config.agents.slice(0, 3) : [];
  const connection = store.connection();
  return (
    <>
      {view.teaser && !view.open && view.invitation !== null && (
        <div class="teaser">
          <button type="button" class="teaser-text" onClick={actions.open}>
            {view.invitation}
          </button>
          <button type="button" class="teaser-x" aria-label={t.dismiss} onClick={actions.dismissTeaser}>
            ×
          </button>
        </div>
      )}
      <div
        id="parley-panel"
        class="panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="parley-title"
        hidden={!view.open}
        onKeyDown={(e) => trapKeys(e, e.currentTarget, actions.close)}
      >
        <header class="head">
          <div class="avatars">
            {assignee !== null ? (
              <Avatar name={assignee.name} url={assignee.avatarUrl} base={shell.base} />
            ) : (
              team.map((a) => <Avatar name={a.name} url={a.avatarUrl} base={shell.base} />)
            )}
          </div>
          <div class="titles">
            <h2 id="parley-title">{appearance.teamName}</h2>
            {assignee !== null && <p>{assignee.name}</p>}
          </div>
          <button type="button" class="x" aria-label={t.close} onClick={actions.close}>
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z" />
            </svg>
          </button>
        </header>
        <p class="conn" role="status" data-state={connection ?? 'open'}>
          {connection === null || connection === 'unavailable' ? '' : t[connection]}
        </p>
        <div class="body">
          <Body chat={chat} shell={shell} t={t} view={view} actions={actions} />
        </div>
        <p class="sr-only" aria-live="polite">
          {store.announcement === null
            ? ''
            : `${store.announcement.author ?? appearance.teamName}: ${store.announcement.body}`}
        </p>
      </div>
    </>
  );
}
