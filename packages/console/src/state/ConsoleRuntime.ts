import {
  onEveryEvent,
  ParleyClient,
  ParleyError,
  websocketUrl,
  type ClientEvent,
  type Conversation,
} from '@parley/client';
import { expandCanned, type AgentStatus, type ConversationForAgent } from '@parley/protocol';
import { ApiError, errorText } from '../api/ApiError';
import type { ConsoleApi, Session } from '../api/ConsoleApi';
import { uploadWithProgress } from '../api/upload';
import { Observable } from '../lib/observable';
import { Chime } from '../lib/sound';
import { notificationPermission, showSystemNotification } from '../lib/systemNotification';
import type { AppEnd } from './appEnd';
import { ComposerStore } from './ComposerStore';
import { ConnectionStore } from './ConnectionStore';
import { DirectoryStore } from './DirectoryStore';
import { applyEvent, isAgentView, type ConsoleStores } from './dispatch';
import { InboxStore } from './InboxStore';
import { NotificationCenter, type Attention } from './NotificationCenter';
import { threadRows, type ThreadParts } from './thread';
import { LiveVisitorsStore } from './LiveVisitorsStore';
import { SearchStore } from './SearchStore';
import { TypingStore } from './TypingStore';
import { VisitorStore } from './VisitorStore';

/** Conversations whose logs are kept complete (followed) besides the one on screen. */
const FOLLOWED_KEPT = 8;
/** "Catching up" never outlasts this, even if a fetch stalls (the client retries by itself). */
const CATCH_UP_LIMIT_MS = 15_000;
/** The agents list (names, statuses for "assign to") is read again when older than this. */
const AGENTS_FRESH_MS = 5000;
/** Conversations of a truncated welcome are paged over REST up to this many pages per status. */
const MAX_BACKFILL_PAGES = 20;

/**
 * The signed-in console: one agent client, the stores it feeds through the dispatcher, the REST
 * loads, and the user's actions. Components call its methods and render its stores; nothing here
 * renders. Ends (and calls `ended`) when the agent signs out or the server ends the session.
 */
export class ConsoleRuntime extends Observable implements ConsoleStores {
  readonly api: ConsoleApi;
  readonly client: ParleyClient;
  readonly inbox: InboxStore;
  readonly typing = new TypingStore();
  readonly connection = new ConnectionStore();
  readonly composer = new ComposerStore();
  readonly visitors = new VisitorStore();
  readonly search: SearchStore;
  readonly live: LiveVisitorsStore;
  readonly directory: DirectoryStore;
  readonly notifications: NotificationCenter;
  readonly chime = new Chime();
  /** The conversation on screen (from the URL). */
  selectedId: string | null = null;
  /** Shown where the inbox is: a conversation that cannot be opened, a failed load. */
  notice: string | null = null;
  readonly #ended: (end: AppEnd) => void;
  readonly #listeners = new AbortController();
  readonly #followed: string[] = [];
  readonly #lookedUp = new Set<string>();
  #over = false;
  #welcomes = 0;
  #catchUpStarted = 0;
  #refreshing = 0;
  #typingTimer: ReturnType<typeof setTimeout> | null = null;
  #agentsLoadedAt = 0;
  #catchUpTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: ConsoleApi, session: Session, ended: (end: AppEnd) => void) {
    super();
    this.api = api;
    this.#ended = ended;
    // The browser sends the session cookie with the upgrade request by itself. A reply written
    // offline waits in this agent's own outbox, across reloads, until the server has it.
    this.client = new ParleyClient({
      url: websocketUrl(location.origin),
      auth: { role: 'agent' },
      followAll: false,
      persist: { storage: localStorage, key: `parley:outbox:agent:${session.agent.id}` },
    });
    this.directory = new DirectoryStore(session.agent);
    this.search = new SearchStore((q, before) => this.api.search(q, before));
    this.live = new LiveVisitorsStore(() => this.api.liveVisitors());
    this.inbox = new InboxStore(session.agent.id);
    this.inbox.restoreFilter(readJson(`parley:console:inbox:${session.agent.id}`));
    this.notifications = new NotificationCenter({
      agentId: session.agent.id,
      storage: localStorage,
      permission: notificationPermission(),
      alerter: {
        chime: () => this.chime.play(),
        notify: showSystemNotification,
      },
    });
  }

  get me(): { id: string; name: string } {
    return this.directory.me;
  }

  start(): void {
    onEveryEvent(this.client, (event) => this.#onEvent(event));
    this.#wireBrowser();
    this.inbox.subscribe(() => this.#updateTitle());
    this.client.connect();
    void this.#loadDirectory();
    this.connection.waiting(this.client.pending().length);
    // Autoplay: until the page has had a gesture, a chime would be refused. Ask early, not when a chat arrives.
    const activation = (navigator as { userActivation?: { hasBeenActive: boolean } }).userActivation;
    if (activation !== undefined && !activation.hasBeenActive) this.notifications.audioState('blocked');
  }

  /** Stops for good (the page goes back to the sign-in screen or another session). */
  stop(): void {
    if (this.#over) return;
    this.#over = true;
    this.#listeners.abort();
    if (this.#typingTimer !== null) clearTimeout(this.#typingTimer);
    if (this.#catchUpTimer !== null) clearTimeout(this.#catchUpTimer);
    this.client.close();
    document.title = 'Parley';
  }

  end(end: AppEnd): void {
    if (this.#over) return;
    this.stop();
    this.#ended(end);
  }

  attention(): Attention {
    return {
      looking: document.visibilityState === 'visible' && document.hasFocus(),
      selectedId: this.selectedId,
    };
  }

  /* ───────────── reading ───────────── */

  thread(id: string): ThreadParts | null {
    const summary = this.inbox.get(id);
    return summary === undefined ? null : threadRows(this.client, summary, this.me);
  }

  /* ───────────── conversations ───────────── */

  select(id: string | null): void {
    if (this.selectedId === id) return;
    this.selectedId = id;
    this.notice = null;
    if (id !== null) {
      // Colleagues come and go: "assign to" lists them as they are now.
      void this.#loadAgents();
      this.#follow(id);
      if (!this.inbox.has(id)) void this.#fetchConversation(id, true);
    }
    this.changed();
    this.#markShownAsRead();
  }

  /** The conversation before or after `currentId` in the order the inbox shows them (next / previous). */
  neighbour(currentId: string | null, step: 1 | -1): string | null {
    const ids = this.inbox.rows(currentId).map((r) => r.id);
    if (ids.length === 0) return null;
    const at = currentId === null ? -1 : ids.indexOf(currentId);
    const next = at === -1 ? (step === 1 ? 0 : ids.length - 1) : at + step;
    return ids[Math.max(0, Math.min(ids.length - 1, next))] ?? null;
  }

  typed(id: string, text: string): void {
    this.composer.setText(id, text);
    // A note is for colleagues: the visitor must not see "typing…" for it.
    if (!this.composer.draft(id).note && text.trim() !== '') this.client.typing(id);
  }

  send(id: string): boolean {
    const outgoing = this.composer.take(id);
    if (outgoing === null) return false;
    try {
      this.client.send(outgoing.body, {
        conversationId: id,
        private: outgoing.private,
        attachmentIds: outgoing.attachmentIds,
      });
    } catch (error) {
      this.composer.restore(
        id,
        outgoing,
        error instanceof ParleyError ? `Not sent: ${error.message}` : String(error),
      );
      return false;
    }
    this.connection.waiting(this.client.pending().length);
    return true;
  }

  attach(id: string, files: readonly File[]): void {
    const summary = this.inbox.get(id);
    const csrfToken = this.api.csrfToken;
    if (summary === undefined || csrfToken === null) return;
    for (const file of files) {
      const name = file.name || `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
      const key = this.composer.addUpload(id, name, file.size);
      if (key === null) return;
      const upload = uploadWithProgress({
        file,
        name,
        siteId: summary.siteId,
        csrfToken,
        progress: (sent) => this.composer.progress(id, key, sent),
      });
      upload.done.then(
        (attachment) => this.composer.uploaded(id, key, attachment),
        (error: unknown) => this.composer.uploadFailed(id, key, errorText(error)),
      );
    }
  }

  assign(id: string, agentId: string | null): void {
    void this.#act(id, () => this.api.assign(id, agentId));
  }

  close(id: string): void {
    void this.#act(id, () => this.api.close(id));
  }

  reopen(id: string): void {
    void this.#act(id, () => this.api.reopen(id));
  }

  /** Pending (the team waits for the visitor), or back to open. */
  setPending(id: string, pending: boolean): void {
    void this.#act(id, () => this.api.setPending(id, pending));
  }

  snooze(id: string, until: Date): void {
    void this.#act(id, () => this.api.snooze(id, until.toISOString()));
  }

  unsnooze(id: string): void {
    void this.#act(id, () => this.api.unsnooze(id));
  }

  /** A canned response as it reads in this conversation: its variables filled in. */
  expandCanned(id: string, body: string): string {
    const summary = this.inbox.get(id);
    const visitor =
      summary === undefined ? undefined : this.visitors.entry(summary.visitorId)?.details?.visitor;
    return expandCanned(body, {
      visitor: {
        name: visitor?.name ?? summary?.visitorName ?? null,
        email: visitor?.email ?? summary?.visitorEmail ?? null,
      },
      agent: { name: this.me.name },
      site: { name: summary === undefined ? null : this.directory.siteName(summary.siteId) },
    });
  }

  /** Resolves true once done (the dialog closes), false when refused (the notice says why). */
  transfer(id: string, to: { agentId: string } | { departmentId: string }, note: string): Promise<boolean> {
    return this.#act(id, () => this.api.transfer(id, to, note));
  }

  tag(id: string, tagId: string): void {
    void this.#act(id, () => this.api.tag(id, tagId));
  }

  untag(id: string, tagId: string): void {
    void this.#act(id, () => this.api.untag(id, tagId));
  }

  /** The first (or next) page of closed conversations, for the closed tab. */
  async loadClosed(more = false): Promise<void> {
    const { closed, filter } = this.inbox;
    if (closed.loading || (more && closed.nextCursor === null)) return;
    this.inbox.closedLoading();
    try {
      const page = await this.api.conversations({
        status: 'closed',
        siteId: filter.siteId ?? undefined,
        before: more ? (closed.nextCursor ?? undefined) : undefined,
      });
      this.inbox.closedPage(page.conversations, page.nextCursor);
    } catch (error) {
      this.inbox.closedFailed(errorText(error));
      this.#sessionCheck(error);
    }
  }

  setInboxFilter(change: Parameters<InboxStore['setFilter']>[0]): void {
    this.inbox.setFilter(change);
    try {
      localStorage.setItem(
        `parley:console:inbox:${this.me.id}`,
        JSON.stringify({ view: this.inbox.filter.view, status: this.inbox.filter.status }),
      );
    } catch {
      // not kept: fine
    }
    if (this.inbox.filter.status === 'closed' && !this.inbox.closed.loaded) void this.loadClosed();
  }

  /** The visitor's details for the panel, unless already loaded (frames keep them current). */
  loadVisitor(id: string): void {
    if (!this.visitors.needsLoad(id)) return;
    this.visitors.loading(id);
    this.api.visitor(id).then(
      (details) => this.visitors.loaded(details),
      (error: unknown) => {
        if (!this.#sessionCheck(error)) this.visitors.failed(id, `Visitor details: ${errorText(error)}`);
      },
    );
  }

  /* ───────────── the agent ───────────── */

  async updateProfile(change: { name?: string; status?: AgentStatus; maxChats?: number }): Promise<void> {
    const agent = await this.api.updateMe(change);
    this.directory.setMe(agent);
  }

  async signOut(): Promise<void> {
    if (this.#over) return;
    this.stop();
    try {
      await this.api.logout();
    } catch {
      // Signed out here either way; a session nobody uses expires on the server.
    }
    // Only now: the sign-in screen asks the server whether a session is still there.
    this.#ended({ to: 'start', message: null });
  }

  async signOutEverywhere(): Promise<void> {
    if (this.#over) return;
    // Ours is one of the sessions that end: stop first, so that its `bye` is not taken for someone else's doing.
    this.stop();
    let message = 'You were signed out on every device.';
    try {
      await this.api.logoutEverywhere();
    } catch (error) {
      message = `Signing out everywhere may have failed: ${errorText(error)}`;
    }
    this.#ended({ to: 'start', message });
  }

  async enableSound(): Promise<void> {
    this.notifications.audioState(await this.chime.unlock());
    if (this.notifications.audio === 'ready') void this.chime.play();
  }

  async requestDesktopPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    const result = await Notification.requestPermission();
    this.notifications.permissionChanged(result);
    if (result === 'granted') this.notifications.setPrefs({ desktop: true });
  }

  /* ───────────── internals ───────────── */

  #onEvent(event: ClientEvent): void {
    applyEvent(this, event, Date.now());
    switch (event.type) {
      case 'welcome':
        this.#welcomes += 1;
        if (event.payload.conversationsTruncated) void this.#backfill();
        if (this.#welcomes > 1) void this.#refreshAfterReconnect(event.payload.conversations);
        break;
      case 'state':
        if (this.connection.catchingUp) this.#catchUpStarted = Date.now();
        break;
      case 'conversation':
        if (event.payload.id === this.selectedId) this.changed();
        this.#learnAssignee(event.payload);
        break;
      case 'message':
      case 'ack':
      case 'sendFailed':
        this.connection.waiting(this.client.pending().length);
        if (event.type !== 'message' || event.payload.conversationId === this.selectedId) this.changed();
        break;
      case 'typing':
        this.#scheduleTypingExpiry();
        break;
      case 'removed':
        // The client has forgotten them already (a later unfollow of one is a no-op).
        if (this.selectedId !== null && event.payload.conversationIds.includes(this.selectedId)) {
          this.notice =
            event.payload.reason === 'retention'
              ? 'This conversation was deleted: it was closed longer ago than this site keeps conversations.'
              : "This conversation was deleted: the visitor's data was erased.";
          this.changed();
        }
        break;
      default:
        break;
    }
    this.#markShownAsRead();
    this.#checkCaughtUp();
  }

  #follow(id: string): void {
    this.client.follow(id);
    const at = this.#followed.indexOf(id);
    if (at !== -1) this.#followed.splice(at, 1);
    this.#followed.push(id);
    while (this.#followed.length > FOLLOWED_KEPT) {
      const oldest = this.#followed.shift();
      if (oldest !== undefined && oldest !== this.selectedId) this.client.unfollow(oldest);
    }
  }

  async #fetchConversation(id: string, opening: boolean): Promise<void> {
    try {
      this.inbox.upsert(await this.api.conversation(id));
      this.changed();
    } catch (error) {
      if (opening && error instanceof ApiError && (error.status === 404 || error.status === 403)) {
        this.notice = 'This conversation does not exist, or you cannot see it.';
        this.changed();
      }
      this.#sessionCheck(error);
    }
  }

  /** A welcome after a drop: what the socket does not carry (closed conversations) comes by REST. */
  async #refreshAfterReconnect(listed: readonly { id: string }[]): Promise<void> {
    this.#refreshing += 1;
    try {
      const id = this.selectedId;
      if (id !== null && !listed.some((c) => c.id === id)) await this.#fetchConversation(id, false);
      if (this.inbox.closed.loaded) await this.loadClosed();
    } finally {
      this.#refreshing -= 1;
      this.#checkCaughtUp();
    }
  }

  /** The welcome lists at most 500 conversations: the rest of the open and pending ones come by REST. */
  async #backfill(): Promise<void> {
    for (const status of ['open', 'pending'] as const) {
      let before: string | undefined;
      for (let page = 0; page < MAX_BACKFILL_PAGES; page++) {
        try {
          const result = await this.api.conversations({ status, before, limit: 200 });
          this.inbox.addPage(result.conversations);
          if (result.nextCursor === null) break;
          before = result.nextCursor;
        } catch (error) {
          this.#sessionCheck(error);
          break;
        }
      }
    }
  }

  #checkCaughtUp(): void {
    if (!this.connection.catchingUp) return;
    const id = this.selectedId;
    const complete = id === null || (this.thread(id)?.complete ?? true);
    const overdue = Date.now() - this.#catchUpStarted > CATCH_UP_LIMIT_MS;
    if ((complete && this.#refreshing === 0) || overdue) this.connection.caughtUp();
    else
      this.#catchUpTimer ??= setTimeout(() => {
        this.#catchUpTimer = null;
        this.#checkCaughtUp();
      }, 1000);
  }

  #markShownAsRead(): void {
    const id = this.selectedId;
    if (id === null || document.visibilityState !== 'visible') return;
    const shown = this.thread(id)?.lastSeq ?? null;
    const summary = this.inbox.get(id);
    if (shown !== null && summary !== undefined && shown > summary.readSeq) this.client.markRead(id, shown);
  }

  /** Assign, close, snooze…: a REST call whose answer (and the frames that follow) update the inbox. */
  #act(id: string, call: () => Promise<ConversationForAgent>): Promise<boolean> {
    this.composer.busy(id, true);
    this.composer.notice(id, null);
    return call()
      .then((summary) => {
        this.inbox.upsert(summary);
        return true;
      })
      .catch((error: unknown) => {
        if (!this.#sessionCheck(error)) this.composer.notice(id, errorText(error));
        return false;
      })
      .finally(() => this.composer.busy(id, false));
  }

  /** A 401 from REST: the session is gone. Returns true when it ended the console. */
  #sessionCheck(error: unknown): boolean {
    if (error instanceof ApiError && error.status === 401) {
      this.end({ to: 'start', message: 'Your session has ended. Sign in again.' });
      return true;
    }
    return false;
  }

  #learnAssignee(conversation: Conversation): void {
    const id = isAgentView(conversation) ? conversation.assigneeId : null;
    if (id == null || this.directory.knowsAgent(id) || this.#lookedUp.has(id)) return;
    this.#lookedUp.add(id);
    void this.#loadAgents();
  }

  async #loadDirectory(): Promise<void> {
    const [departments, sites, tags, canned] = await Promise.allSettled([
      this.api.departments(),
      this.api.sites(),
      this.api.tags(),
      this.api.cannedResponses(),
    ]);
    if (tags.status === 'fulfilled') this.directory.setTags(tags.value);
    if (canned.status === 'fulfilled') this.directory.setCanned(canned.value);
    if (departments.status === 'fulfilled') {
      this.directory.setDepartments(departments.value);
      this.inbox.setMyDepartments(this.directory.myDepartmentIds());
    }
    if (sites.status === 'fulfilled') this.directory.setSites(sites.value);
    await this.#loadAgents();
  }

  /** Colleagues come and go (new agents, status changes): the list is read again when a while old. */
  refreshAgents(): void {
    if (Date.now() - this.#agentsLoadedAt < AGENTS_FRESH_MS) return;
    void this.#loadAgents();
  }

  async #loadAgents(): Promise<void> {
    this.#agentsLoadedAt = Date.now();
    try {
      this.directory.setAgents(await this.api.agents());
    } catch (error) {
      // Names are a nicety: assignees then read "a colleague".
      this.#sessionCheck(error);
    }
  }

  #scheduleTypingExpiry(): void {
    if (this.#typingTimer !== null) clearTimeout(this.#typingTimer);
    const next = this.typing.nextExpiry();
    if (next === null) return;
    this.#typingTimer = setTimeout(
      () => {
        this.#typingTimer = null;
        this.typing.expire(Date.now());
        this.#scheduleTypingExpiry();
      },
      Math.max(0, next - Date.now()) + 20,
    );
  }

  #updateTitle(): void {
    if (this.#over) return;
    const unread = this.inbox.unreadForMe();
    const title = unread > 0 ? `(${unread}) Parley` : 'Parley';
    if (document.title !== title) document.title = title;
  }

  #wireBrowser(): void {
    const { signal } = this.#listeners;
    const seen = (): void => this.#markShownAsRead();
    document.addEventListener('visibilitychange', seen, { signal });
    addEventListener('focus', seen, { signal });
    const network = (): void => this.connection.network(navigator.onLine);
    addEventListener('online', network, { signal });
    addEventListener('offline', network, { signal });
    network();
    // The first gesture anywhere unlocks audio for the chime, without a prompt.
    const unlock = (): void => {
      if (this.notifications.prefs.sound && this.notifications.audio !== 'ready') void this.enableSilently();
    };
    addEventListener('pointerdown', unlock, { signal, capture: true });
    addEventListener('keydown', unlock, { signal, capture: true });
  }

  async enableSilently(): Promise<void> {
    this.notifications.audioState(await this.chime.unlock());
  }
}

function readJson(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}
