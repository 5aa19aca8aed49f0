import {
  checkSend,
  onEveryEvent,
  Outbox,
  ParleyClientCore,
  randomUuid,
  structuralCodec,
  websocketUrl,
  type StorageLike,
} from '@parley/client/core';
import type { Attachment } from '@parley/protocol';
import { MAX_PREVIEW_CHARS } from '@parley/protocol';
import type { RestError, Shell } from '../shared/shell';
import { key } from '../shared/storage';
import { ChatStore } from './chatStore';

function storage(): StorageLike | undefined {
  try {
    return localStorage;
  } catch {
    // Storage blocked (a sandboxed frame, strict privacy settings): nothing survives a reload.
    return undefined;
  }
}

/**
 * The visitor's side of the conversation: the client library's `ParleyClientCore` (outbox, resume,
 * read marks, typing) with its events applied to the store. Until the server issued a token (a
 * first visit while it is unreachable) messages go straight into the persisted outbox, which the
 * client sends once it exists, even after a reload.
 */
export class Chat {
  readonly store = new ChatStore();
  readonly #shell: Shell;
  #client: ParleyClientCore | null = null;
  #outbox: Outbox | null = null;
  #stop: () => void = () => undefined;

  constructor(shell: Shell) {
    this.#shell = shell;
  }

  start(): void {
    const s = storage();
    const persist = s === undefined ? undefined : { storage: s, key: key('outbox', this.#shell.siteKey) };
    const outbox = new Outbox(persist);
    this.#outbox = outbox;
    this.store.attach({ conversations: () => [], messages: () => [], pending: () => outbox.list() });
    this.#shell.token().then(
      (token) => this.#connect(token, true),
      () => this.#unavailable(),
    );
    const network = (): void => {
      this.store.online = navigator.onLine;
      this.store.changed();
    };
    addEventListener('online', network);
    addEventListener('offline', network);
    network();
  }

  /** identify() switched the visitor: reconnect with the new token. */
  restart(): void {
    void this.#shell.token().then((token) => this.#connect(token, true));
  }

  #connect(token: string, mayRenew: boolean): void {
    this.#stop();
    this.#client?.close();
    const s = storage();
    const client = new ParleyClientCore(
      {
        url: websocketUrl(this.#shell.base),
        auth: { role: 'visitor', siteKey: this.#shell.siteKey, token },
        ...(s === undefined ? {} : { persist: { storage: s, key: key('outbox', this.#shell.siteKey) } }),
      },
      structuralCodec,
    );
    this.#client = client;
    const off = onEveryEvent(client, (event) => {
      const fresh = this.store.apply(event, Date.now());
      if (fresh !== null)
        this.#shell.emit('message', { body: fresh.body, author: fresh.author.name, at: fresh.at });
      if (event.type === 'conversation' || event.type === 'welcome') this.#rememberActive();
    });
    const offAuth = client.on('authFailed', ({ closeCode }) => {
      // A stored token the server no longer knows: start over as a new visitor, once. The outbox
      // is kept and goes out with the new identity.
      if (closeCode === 4401 && mayRenew) {
        this.#shell.renewToken().then(
          (fresh) => this.#connect(fresh, false),
          () => this.#unavailable(),
        );
      } else {
        this.#unavailable();
      }
    });
    this.#stop = () => {
      off();
      offAuth();
    };
    this.store.attach(client);
    client.connect();
    // Without storage the waiting messages lived only in memory: hand them to the client.
    if (s === undefined && this.#outbox !== null) {
      for (const item of this.#outbox.list()) client.send(item.body);
    }
    this.#outbox = null;
  }

  #unavailable(): void {
    this.store.unavailable = true;
    this.store.changed();
  }

  /** The loader shows the chat on every page while a conversation is open (see loader/rules.ts). */
  #rememberActive(): void {
    const s = storage();
    try {
      if (this.store.hasActive()) s?.setItem(key('active', this.#shell.siteKey), '1');
      else s?.removeItem(key('active', this.#shell.siteKey));
    } catch {
      // Not persisted: only the next page's choice is affected.
    }
  }

  /** Queues a message (sent now or when the connection is back); returns a reason if refused. */
  send(body: string, attachmentIds: string[] = []): string | null {
    if (this.#client !== null) {
      try {
        this.#client.send(body, attachmentIds.length > 0 ? { attachmentIds } : {});
        // The client emits nothing for a queued message: show it as pending now.
        this.store.changed();
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }
    const clientMsgId = randomUuid();
    const problem = checkSend({ t: 'send', clientMsgId, body });
    if (problem !== null) return problem;
    this.#outbox?.add({ clientMsgId, body, private: false, createdAt: new Date().toISOString() });
    this.store.changed();
    return null;
  }

  /** The draft, for the team's typing indicator; the text itself only when the site has sneak peek on. */
  typing(draft: string): void {
    const conversation = this.store.current();
    if (this.#client === null || conversation === undefined || conversation.status === 'closed') return;
    if (draft.trim() === '') return;
    this.#client.typing(
      conversation.id,
      this.#shell.config.sneakPeek ? draft.slice(0, MAX_PREVIEW_CHARS) : undefined,
    );
  }

  markRead(): void {
    for (const [id, seq] of this.store.lastSeqs()) this.#client?.markRead(id, seq);
  }

  /** Uploads a file with progress (XMLHttpRequest: fetch has no upload progress), then sends it. */
  async upload(file: File, progress: (fraction: number) => void): Promise<void> {
    const token = await this.#shell.token();
    const attachment = await new Promise<Attachment>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.#shell.base}/api/v1/visitor/files?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) progress(e.loaded / e.total);
      };
      xhr.onload = () => {
        try {
          const body = JSON.parse(xhr.responseText) as { file?: Attachment; error?: RestError };
          if (xhr.status < 300 && body.file) resolve(body.file);
          else reject(new Error(body.error?.message ?? `HTTP ${xhr.status}`));
        } catch {
          reject(new Error(`HTTP ${xhr.status}`));
        }
      };
      xhr.onerror = () => reject(new Error('network'));
      xhr.send(file);
    });
    const problem = this.send('', [attachment.id]);
    if (problem !== null) throw new Error(problem);
  }
}
