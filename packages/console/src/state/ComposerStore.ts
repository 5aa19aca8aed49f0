import type { Attachment } from '@parley/protocol';
import { MAX_ATTACHMENTS } from '@parley/protocol';
import { Observable } from '../lib/observable';

export interface Upload {
  key: string;
  name: string;
  size: number;
  sent: number;
  state: 'uploading' | 'done' | 'failed';
  attachment: Attachment | null;
  error: string | null;
}

interface Draft {
  text: string;
  note: boolean;
  uploads: Upload[];
  notice: string | null;
  busy: boolean;
}

export interface Outgoing {
  body: string;
  private: boolean;
  attachmentIds: string[];
}

const empty = (): Draft => ({ text: '', note: false, uploads: [], notice: null, busy: false });

/**
 * What the agent is writing, per conversation: the text, reply or private note, files being
 * uploaded (with progress) or ready to go, and the last notice (a refused send, a failed action).
 * Switching conversations keeps each draft where it was.
 */
export class ComposerStore extends Observable {
  readonly #drafts = new Map<string, Draft>();
  #counter = 0;

  draft(conversationId: string): Readonly<Draft> {
    return this.#drafts.get(conversationId) ?? empty();
  }

  setText(conversationId: string, text: string): void {
    this.#edit(conversationId, (d) => ({ ...d, text }));
  }

  setNote(conversationId: string, note: boolean): void {
    this.#edit(conversationId, (d) => ({ ...d, note }));
  }

  notice(conversationId: string, notice: string | null): void {
    this.#edit(conversationId, (d) => ({ ...d, notice }));
  }

  /** An action on the conversation (assign, close…) is on its way. */
  busy(conversationId: string, busy: boolean): void {
    this.#edit(conversationId, (d) => ({ ...d, busy }));
  }

  /** A file chosen, dropped or pasted; returns its key, or null when no more files fit in a message. */
  addUpload(conversationId: string, name: string, size: number): string | null {
    const draft = this.draft(conversationId);
    if (draft.uploads.filter((u) => u.state !== 'failed').length >= MAX_ATTACHMENTS) {
      this.notice(conversationId, `At most ${MAX_ATTACHMENTS} files per message.`);
      return null;
    }
    const key = `u${++this.#counter}`;
    const upload: Upload = { key, name, size, sent: 0, state: 'uploading', attachment: null, error: null };
    this.#edit(conversationId, (d) => ({ ...d, notice: null, uploads: [...d.uploads, upload] }));
    return key;
  }

  progress(conversationId: string, key: string, sent: number): void {
    this.#upload(conversationId, key, (u) => ({ ...u, sent }));
  }

  uploaded(conversationId: string, key: string, attachment: Attachment): void {
    this.#upload(conversationId, key, (u) => ({ ...u, sent: u.size, state: 'done', attachment }));
  }

  uploadFailed(conversationId: string, key: string, error: string): void {
    this.#upload(conversationId, key, (u) => ({ ...u, state: 'failed', error }));
  }

  removeUpload(conversationId: string, key: string): void {
    this.#edit(conversationId, (d) => ({ ...d, uploads: d.uploads.filter((u) => u.key !== key) }));
  }

  /** Ready to send: text or finished files, and nothing still uploading. */
  canSend(conversationId: string): boolean {
    const d = this.draft(conversationId);
    if (d.uploads.some((u) => u.state === 'uploading')) return false;
    return d.text.trim() !== '' || d.uploads.some((u) => u.state === 'done');
  }

  /** Takes the message out of the draft (the note switch stays as it was), or null if not ready. */
  take(conversationId: string): Outgoing | null {
    if (!this.canSend(conversationId)) return null;
    const d = this.draft(conversationId);
    const attachmentIds = d.uploads.flatMap((u) => (u.attachment === null ? [] : [u.attachment.id]));
    this.#edit(conversationId, (draft) => ({ ...draft, text: '', uploads: [], notice: null }));
    return { body: d.text, private: d.note, attachmentIds };
  }

  /** A send refused locally: the text goes back into the draft. */
  restore(conversationId: string, outgoing: Outgoing, notice: string): void {
    this.#edit(conversationId, (d) => ({ ...d, text: outgoing.body, notice }));
  }

  #upload(conversationId: string, key: string, change: (u: Upload) => Upload): void {
    this.#edit(conversationId, (d) => ({
      ...d,
      uploads: d.uploads.map((u) => (u.key === key ? change(u) : u)),
    }));
  }

  #edit(conversationId: string, change: (d: Draft) => Draft): void {
    this.#drafts.set(conversationId, change(this.draft(conversationId)));
    this.changed();
  }
}
