import { ParleyClient, ParleyError, websocketUrl, type Conversation, onEveryEvent } from '@parley/client';
import type { ConversationForAgent } from '@parley/protocol';
import { createAlarm } from '../shared/alarm';
import { renderScheduler } from '../shared/dom';
import { ApiError, type ConsoleApi, type Session } from './api';
import { byeEnd, refusalEnd, type AppEnd } from './appEnd';
import { renderApp, type AppElements } from './appView';
import { ConsoleStore } from './consoleStore';
import { applyEvent } from './dispatch';
import { renderComposerMode } from './threadView';

/**
 * The signed-in console: one agent client, the store it feeds, and the user's actions. Ends (and
 * calls `ended`) when the agent signs out or the server ends the session.
 */
export class ConsoleApp {
  readonly #api: ConsoleApi;
  readonly #els: AppElements;
  readonly #client: ParleyClient;
  readonly #store: ConsoleStore;
  readonly #render: () => void;
  readonly #listeners = new AbortController();
  readonly #ended: (end: AppEnd) => void;
  #over = false;
  #loadingAgents = false;
  /** Assignee ids already looked up: one that is still unknown (since deleted) is not asked for again. */
  readonly #lookedUp = new Set<string>();

  constructor(api: ConsoleApi, session: Session, els: AppElements, ended: (end: AppEnd) => void) {
    this.#api = api;
    this.#els = els;
    this.#ended = ended;
    // The browser sends the session cookie with the upgrade request by itself. A reply written
    // offline waits in this agent's own outbox, across reloads, until the server has it.
    this.#client = new ParleyClient({
      url: websocketUrl(location.origin),
      auth: { role: 'agent' },
      followAll: false,
      persist: { storage: localStorage, key: `parley:outbox:agent:${session.agent.id}` },
    });
    this.#store = new ConsoleStore(session.agent, this.#client);
    const expireTyping = createAlarm(() => this.#render());
    this.#render = renderScheduler(() => {
      // First: what is about to be shown is read, and must not be drawn as unread (`markRead` raises
      // the summary's `readSeq` at once, and its `conversation` event reaches the inbox right away).
      this.#markShownAsRead();
      renderApp(this.#els, this.#store.view(Date.now()));
      expireTyping(this.#store.typing.nextExpiry());
    });
  }

  start(): void {
    onEveryEvent(this.#client, (event) => {
      applyEvent(this.#store, event, Date.now());
      if (event.type === 'welcome') this.#refreshSelected(event.payload.conversations);
      if (event.type === 'conversation') this.#learnAssignee(event.payload);
      this.#render();
    });
    this.#client.on('bye', (bye) => {
      if (!bye.reconnect) this.#end(byeEnd(bye));
    });
    this.#client.on('authFailed', (refusal) => this.#end(refusalEnd(refusal)));
    this.#wireDom();
    // The page may have shown another session before (sign out, sign in): nothing of it stays.
    this.#els.thread.form.reset();
    renderComposerMode(this.#els.thread);
    this.#client.connect();
    void this.#loadAgents();
    this.#render();
  }

  async signOut(): Promise<void> {
    if (this.#over) return;
    this.#stop();
    try {
      await this.#api.logout();
    } catch {
      // Signed out here either way; a session nobody uses expires on the server.
    }
    // Only now: the sign-in screen asks the server whether a session is still there.
    this.#ended({ to: 'start', message: null });
  }

  #end(end: AppEnd): void {
    if (this.#over) return;
    this.#stop();
    this.#ended(end);
  }

  #stop(): void {
    this.#over = true;
    this.#listeners.abort();
    this.#client.close();
  }

  #wireDom(): void {
    const { signal } = this.#listeners;
    const { thread } = this.#els;
    this.#els.signOut.addEventListener('click', () => void this.signOut(), { signal });
    this.#els.inboxList.addEventListener(
      'click',
      (event) => {
        const target =
          event.target instanceof Element ? event.target.closest('[data-conversation-id]') : null;
        const id = target?.getAttribute('data-conversation-id');
        if (id != null) this.#select(id);
      },
      { signal },
    );
    thread.form.addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        this.#send();
      },
      { signal },
    );
    thread.input.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.#send();
        }
      },
      { signal },
    );
    thread.input.addEventListener(
      'input',
      () => {
        // A note is for colleagues: the visitor must not see "typing…" for it.
        const id = this.#store.selectedId;
        if (id !== null && !thread.private.checked && thread.input.value.trim() !== '')
          this.#client.typing(id);
      },
      { signal },
    );
    thread.private.addEventListener('change', () => renderComposerMode(thread), { signal });
    thread.assign.addEventListener(
      'click',
      () => this.#act((id) => this.#api.assign(id, this.#store.me.id)),
      {
        signal,
      },
    );
    thread.close.addEventListener('click', () => this.#act((id) => this.#api.close(id)), { signal });
    thread.reopen.addEventListener('click', () => this.#act((id) => this.#api.reopen(id)), { signal });
    document.addEventListener('visibilitychange', () => this.#render(), { signal });
    const network = (): void => {
      this.#store.network(navigator.onLine);
      this.#render();
    };
    addEventListener('online', network, { signal });
    addEventListener('offline', network, { signal });
    network();
  }

  #select(id: string): void {
    if (this.#store.selectedId !== id) {
      this.#store.select(id);
      this.#store.notice(id, null);
      this.#client.follow(id);
      this.#els.thread.input.value = '';
    }
    this.#render();
    this.#els.thread.input.focus();
  }

  #send(): void {
    const id = this.#store.selectedId;
    const { input } = this.#els.thread;
    const body = input.value;
    if (id === null || body.trim() === '') return;
    try {
      this.#client.send(body, { conversationId: id, private: this.#els.thread.private.checked });
      input.value = '';
      this.#store.notice(id, null);
    } catch (error) {
      this.#store.notice(id, error instanceof ParleyError ? `Not sent: ${error.message}` : String(error));
    }
    this.#render();
  }

  /** Assign, close, reopen: a REST call whose answer (and the frames that follow) update the inbox. */
  #act(call: (id: string) => Promise<ConversationForAgent>): void {
    const id = this.#store.selectedId;
    if (id === null) return;
    this.#store.busy(id, true);
    this.#store.notice(id, null);
    this.#render();
    call(id)
      .then((summary) => this.#store.inbox.upsert(summary))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401)
          this.#end({ to: 'start', message: 'Your session has ended. Sign in again.' });
        else this.#store.notice(id, error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.#store.busy(id, false);
        this.#render();
      });
  }

  #markShownAsRead(): void {
    const shown = this.#store.shownSeq();
    if (shown !== null && document.visibilityState === 'visible') {
      this.#client.markRead(shown.conversationId, shown.seq);
    }
  }

  /** The open conversation is missing from a welcome when it was closed meanwhile: ask for it. */
  #refreshSelected(listed: readonly { id: string }[]): void {
    const id = this.#store.selectedId;
    if (id === null || listed.some((c) => c.id === id)) return;
    this.#api
      .conversation(id)
      .then((summary) => {
        this.#store.inbox.upsert(summary);
        this.#render();
      })
      .catch(() => undefined);
  }

  #learnAssignee(conversation: Conversation): void {
    const id = 'assigneeId' in conversation ? conversation.assigneeId : null;
    if (id == null || this.#store.knowsAgent(id) || this.#lookedUp.has(id)) return;
    this.#lookedUp.add(id);
    void this.#loadAgents();
  }

  async #loadAgents(): Promise<void> {
    if (this.#loadingAgents) return;
    this.#loadingAgents = true;
    try {
      this.#store.agents(await this.#api.agents());
      this.#render();
    } catch {
      // Names are a nicety: assignees then read "a colleague".
    } finally {
      this.#loadingAgents = false;
    }
  }
}
