import { useState } from 'preact/hooks';
import type { SiteDraft } from '../../state/SiteDraft';
import { Section, TextField } from './fields';

export function GeneralSection({ draft }: { draft: SiteDraft }) {
  const [copied, setCopied] = useState<string | null>(null);
  const snippet = draft.snippet(location.origin);
  const copy = (): void => {
    navigator.clipboard.writeText(snippet).then(
      () => setCopied('Copied.'),
      () => setCopied('Copying is not allowed here: select the text and copy it.'),
    );
  };
  return (
    <>
      <Section title="Site">
        <TextField
          label="Name"
          value={draft.name}
          maxLength={200}
          required
          onChange={(v) => draft.setName(v)}
        />
        <TextField
          label="Allowed origins"
          multiline
          value={draft.originsText}
          onChange={(v) => draft.setOrigins(v)}
          hint="One per line, such as https://shop.example. The widget works only on pages of these origins; empty = any origin."
        />
      </Section>
      <Section title="Embed code">
        <p class="muted">Paste this before &lt;/body&gt; on every page that should show the chat.</p>
        <code class="snippet" id="embed-snippet">
          {snippet}
        </code>
        <div class="form-actions">
          <button type="button" onClick={copy}>
            Copy the code
          </button>
          {copied !== null && <span role="status">{copied}</span>}
        </div>
      </Section>
    </>
  );
}
