import { useEffect, useRef, useState } from 'preact/hooks';
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
          onInput={(e) => runtime.typed(id, e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
            // HOOK(canned-responses): a "/" at the start of the draft opens the canned-response picker
            // (shortcut + {{visitor.name}}-style variables) once the server serves canned responses.
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
