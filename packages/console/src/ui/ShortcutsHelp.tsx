import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS } from '../lib/shortcuts';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement;
    close.current?.focus();
    return () => {
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
        <header class="dialog-header">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </header>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.command}>
                <td>
                  {s.keys.map((k, i) => (
                    <>
                      {i > 0 && ' or '}
                      <kbd>{k}</kbd>
                    </>
                  ))}
                </td>
                <td>{s.text}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Enter</kbd> / <kbd>Shift+Enter</kbd>
              </td>
              <td>In the composer: send / new line</td>
            </tr>
          </tbody>
        </table>
        <p class="muted">Letters work when the focus is not in a text field.</p>
      </section>
    </div>
  );
}
