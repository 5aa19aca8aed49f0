import { useRef, useState } from 'preact/hooks';
import type { Shell } from '../shared/shell';
import type { Chat } from './chat';
import type { Texts } from './i18n/en';

/** Common emoji, drawn by the system's emoji font: no image or font is downloaded. */
const EMOJI = [
  ...'😀😂😊😍🤔😅😢😮😎🙏👍👎👋👏🙌💪❤️🎉✅❌⭐🔥💡📦🚚💳📅⏰☕🍕'.matchAll(
    /\p{Extended_Pictographic}\uFE0F?/gu,
  ),
].map((m) => m[0]);

export function Composer({ chat, shell, t }: { chat: Chat; shell: Shell; t: Texts }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const [picker, setPicker] = useState(false);
  const [upload, setUpload] = useState<{ name: string; progress: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const send = (): void => {
    const el = input.current;
    if (el === null || el.value.trim() === '') return;
    const refused = chat.send(el.value);
    setProblem(refused);
    if (refused === null) el.value = '';
    setPicker(false);
  };
  const insert = (emoji: string): void => {
    const el = input.current;
    if (el === null) return;
    const at = el.selectionStart;
    el.value = el.value.slice(0, at) + emoji + el.value.slice(el.selectionEnd);
    el.selectionStart = el.selectionEnd = at + emoji.length;
    el.focus();
  };
  const attach = (f: File): void => {
    setUpload({ name: f.name, progress: 0 });
    setProblem(null);
    chat
      .upload(f, (progress) => setUpload({ name: f.name, progress }))
      .then(
        () => setUpload(null),
        () => {
          setUpload(null);
          setProblem(t.uploadFailed);
        },
      );
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {picker && (
        <div class="emoji" role="group" aria-label={t.emoji}>
          {EMOJI.map((e) => (
            <button type="button" onClick={() => insert(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
      {upload !== null && (
        <label class="upload">
          {t.uploading} {upload.name}
          <progress max={1} value={upload.progress} />
        </label>
      )}
      {problem !== null && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <div class="row">
        <label class="sr-only" for="parley-input">
          {t.message}
        </label>
        <textarea
          id="parley-input"
          ref={input}
          rows={1}
          maxLength={10000}
          placeholder={t.placeholder}
          onInput={(e) => chat.typing(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button
          type="button"
          class="icon"
          aria-label={t.emoji}
          aria-expanded={picker}
          onClick={() => setPicker(!picker)}
        >
          <span aria-hidden="true">😊</span>
        </button>
        <button
          type="button"
          class="icon"
          aria-label={t.attach}
          onClick={() => file.current?.click()}
          disabled={upload !== null}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M16.5 6.5 8.6 14.4a1.5 1.5 0 0 0 2.1 2.1l7.9-7.9a3 3 0 0 0-4.2-4.2L6.3 12.5a4.5 4.5 0 0 0 6.4 6.4l6.6-6.6 1.4 1.4-6.6 6.6a6.5 6.5 0 0 1-9.2-9.2l8.1-8.1a5 5 0 0 1 7 7l-7.9 7.9a3.5 3.5 0 0 1-5-5l7.9-7.9z" />
          </svg>
        </button>
        <input
          type="file"
          ref={file}
          hidden
          tabIndex={-1}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) attach(f);
          }}
        />
        <button class="send" aria-label={t.send}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z" />
          </svg>
        </button>
      </div>
      {shell.config.sneakPeek && <p class="privacy">{t.sneakPeek}</p>}
    </form>
  );
}
