import { useEffect, useRef, useState } from 'preact/hooks';
import { cannedMatches, cannedQuery, insertCanned } from '../../lib/cannedPicker';
import { EMOJI } from '../../lib/emoji';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
import { bytes } from './MessageList';

/**
 * Reply or private note, with emoji and files (button, drag and drop, paste). Enter sends,
 * Shift+Enter starts a new line. The draft lives in the composer store, per conversation.
 */
export function Composer({ runtime, id, closed }: { runtime: ConsoleRuntime; id: string; closed: boolean }) {
  useStores(runtime.composer);
  const draft = runtime.composer.draft(id);
  const input = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [caret, setCaret] = useState(0);
  const [picked, setPicked] = useState(0);
  /** The `/` position whose picker the agent dismissed with Escape. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const canned = cannedQuery(draft.text, caret);
  const matches =
    canned === null || canned.start === dismissed
      ? []
      : cannedMatches(runtime.directory.canned, canned.query, runtime.inbox.get(id)?.siteId ?? '');
  const showPicker =
    canned !== null && canned.start !== dismissed && !draft.note && runtime.directory.canned.length > 0;

  useEffect(() => setEmojiOpen(false), [id]);

  const send = (): void => {
    if (runtime.send(id)) input.current?.focus();
  };
  const insert = (text: string): void => {
    const el = input.current;
    const value = draft.text;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    runtime.typed(id, value.slice(0, start) + text + value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };
  const useCanned = (body: string): void => {
    if (canned === null) return;
    const next = insertCanned(draft.text, canned, caret, runtime.expandCanned(id, body));
    runtime.typed(id, next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };
  const pickerKey = (e: KeyboardEvent): boolean => {
    if (!showPicker || matches.length === 0) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setPicked((picked + step + matches.length) % matches.length);
      return true;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      const chosen = matches[Math.min(picked, matches.length - 1)];
      if (chosen !== undefined) useCanned(chosen.body);
      return true;
    }
    if (e.key === 'Escape') {
      setDismissed(canned.start);
      return true;
    }
    return false;
  };
  const takeFiles = (list: FileList | null | undefined): void => {
    if (list && list.length > 0) runtime.attach(id, [...list]);
  };

  const notice =
    draft.notice === null ? null : (
      <p class="form-error thread-notice" role="alert">
        {draft.notice}
      </p>
    );
  if (closed) {
    return (
      <>
        {notice}
        <p class="composer-closed">This conversation is closed. Reopen it to write again.</p>
      </>
    );
  }
  const label = draft.note ? 'Private note' : 'Reply';
  return (
    <>
      {notice}
      <form
        class="composer"
        data-note={draft.note ? 'true' : undefined}
        data-dragging={dragging ? 'true' : undefined}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
        onDragOver={(e) => {
          if (e.dataTransfer?.types.includes('Files')) {
            e.preventDefault();
            setDragging(true);
          }
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          takeFiles(e.dataTransfer?.files);
        }}
      >
        <div class="composer-mode" role="group" aria-label="Message kind">
          <label>
            <input
              type="checkbox"
              checked={draft.note}
              onChange={(e) => runtime.composer.setNote(id, e.currentTarget.checked)}
            />{' '}
            Private note
          </label>
          <span class="composer-hint">
            {draft.note ? 'Only your colleagues see notes.' : 'The visitor sees replies.'}
          </span>
        </div>
        {draft.uploads.length > 0 && (
          <ul class="uploads" aria-label="Files">
            {draft.uploads.map((u) => (
              <li key={u.key} class="upload" data-state={u.state}>
                <span class="file-name">{u.name}</span> <span class="file-size">{bytes(u.size)}</span>
                {u.state === 'uploading' && (
                  <progress max={Math.max(1, u.size)} value={u.sent} aria-label={`Uploading ${u.name}`} />
                )}
                {u.state === 'done' && <span class="upload-done">Ready</span>}
                {u.state === 'failed' && <span class="form-error">{u.error}</span>}
                <button
                  type="button"
                  class="icon-button"
                  aria-label={`Remove ${u.name}`}
                  onClick={() => runtime.composer.removeUpload(id, u.key)}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        {showPicker && (
          <div class="canned-picker" id="canned-picker" role="listbox" aria-label="Canned responses">
            {matches.length === 0 ? (
              <p class="muted">
                No canned response starts with /{canned.query}. Add yours in{' '}
                <a href="#/profile">your profile</a>.
              </p>
            ) : (
              matches.map((c, i) => (
                <button
                  key={c.id}
                  type="button"
                  role="option"
                  aria-selected={i === Math.min(picked, matches.length - 1)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => useCanned(c.body)}
                >
                  <span class="canned-shortcut">/{c.shortcut}</span>
                  <span class="canned-body">{c.body}</span>
                  {c.ownerId !== null && <span class="tag">mine</span>}
                </button>
              ))
            )}
          </div>
        )}
        <label class="visually-hidden" for="reply-input">
          {label}
        </label>
        <textarea
          id="reply-input"
          ref={input}
          rows={3}
          maxLength={10_000}
          placeholder={draft.note ? 'A note for your colleagues…' : 'Write a reply…'}
          value={draft.text}
          onInput={(e) => {
            runtime.typed(id, e.currentTarget.value);
            setCaret(e.currentTarget.selectionStart);
            setPicked(0);
          }}
          onKeyUp={(e) => {
            if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End') {
              setCaret(e.currentTarget.selectionStart);
            }
          }}
          onClick={(e) => setCaret(e.currentTarget.selectionStart)}
          aria-controls={showPicker ? 'canned-picker' : undefined}
          onKeyDown={(e) => {
            if (pickerKey(e)) {
              e.preventDefault();
              e.stopPropagation();
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          onPaste={(e) => {
            const pasted = e.clipboardData?.files;
            if (pasted && pasted.length > 0) {
              e.preventDefault();
              takeFiles(pasted);
            }
          }}
        />
        <div class="composer-bar">
          <div class="composer-tools">
            <button
              type="button"
              class="icon-button"
              aria-label="Insert emoji"
              aria-expanded={emojiOpen}
              onClick={() => setEmojiOpen(!emojiOpen)}
            >
              😊
            </button>
            <button
              type="button"
              class="icon-button"
              aria-label="Attach files"
              onClick={() => files.current?.click()}
            >
              📎
            </button>
            <input
              ref={files}
              type="file"
              multiple
              hidden
              onChange={(e) => {
                takeFiles(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
            />
          </div>
          <button class="primary" type="submit" disabled={!runtime.composer.canSend(id)}>
            {draft.note ? 'Add note' : 'Send'}
          </button>
        </div>
        {emojiOpen && (
          <div class="emoji-picker" role="group" aria-label="Emoji">
            {EMOJI.map((emoji) => (
              <button key={emoji} type="button" onClick={() => insert(emoji)} aria-label={`Insert ${emoji}`}>
                {emoji}
              </button>
            ))}
          </div>
        )}
      </form>
    </>
  );
}
