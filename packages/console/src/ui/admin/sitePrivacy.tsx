import * as z from 'zod';
import { useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import type { SiteDraft } from '../../state/SiteDraft';
import { Check, NumberField, Section } from './fields';

const SecretResponse = z.object({ secret: z.string() });

export function PrivacySection({ draft, runtime }: { draft: SiteDraft; runtime: ConsoleRuntime }) {
  const s = draft.settings;
  return (
    <>
      <Section title="Sneak peek">
        <Check
          label="Agents see what visitors type before they send it"
          checked={s.sneakPeek}
          onChange={(sneakPeek) => draft.update((x) => ({ ...x, sneakPeek }))}
          hint="The widget tells visitors so in its privacy notice. Switching it off stops it at once, also for open chats."
        />
      </Section>
      <Section title="Identity verification">
        <Check
          label="Require verified identities"
          checked={s.requireIdentityVerification}
          onChange={(requireIdentityVerification) =>
            draft.update((x) => ({ ...x, requireIdentityVerification }))
          }
          hint="Parley.identify() must then carry hash = HMAC-SHA256(secret, user id), computed by your own server."
        />
        <IdentitySecret runtime={runtime} siteId={draft.saved.id} />
      </Section>
    </>
  );
}

function IdentitySecret({ runtime, siteId }: { runtime: ConsoleRuntime; siteId: string }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const path = `/api/v1/sites/${encodeURIComponent(siteId)}/identity-secret`;
  const load = (rotate: boolean): void => {
    setMessage(null);
    runtime.api
      .call(rotate ? 'POST' : 'GET', rotate ? `${path}/rotate` : path, undefined, SecretResponse)
      .then((r) => {
        setSecret(r.secret);
        setConfirming(false);
        if (rotate) setMessage({ text: 'A new secret is in force: update your server.', error: false });
      })
      .catch((e: unknown) => setMessage({ text: errorText(e), error: true }));
  };
  return (
    <div class="field">
      <h3>HMAC secret</h3>
      <p class="muted">Keep it on your server; never put it in a web page.</p>
      {secret !== null ? (
        <code class="snippet" id="identity-secret">
          {secret}
        </code>
      ) : null}
      <div class="form-actions">
        {secret === null ? (
          <button type="button" onClick={() => load(false)}>
            Show the secret
          </button>
        ) : (
          <button type="button" onClick={() => setSecret(null)}>
            Hide
          </button>
        )}
        {confirming ? (
          <>
            <button type="button" class="danger" onClick={() => load(true)}>
              Rotate now: the old secret stops working
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Rotate…
          </button>
        )}
        {message !== null && (
          <span class={message.error ? 'form-error' : 'form-ok'} role="status">
            {message.text}
          </span>
        )}
      </div>
    </div>
  );
}

/** How long closed conversations are kept; a job deletes older ones (with messages and files) every hour. */
export function RetentionSection({ draft }: { draft: SiteDraft }) {
  const days = draft.settings.retentionDays;
  return (
    <Section title="Data retention">
      <Check
        label="Delete closed conversations after a while"
        checked={days !== null}
        onChange={(on) => draft.update((x) => ({ ...x, retentionDays: on ? 365 : null }))}
        hint="With their messages and files, once that many days have passed since they were closed. Open, pending and snoozed conversations are never deleted. Off: kept for ever."
      />
      {days !== null && (
        <NumberField
          label="Days after closing"
          value={days}
          min={1}
          max={36500}
          onChange={(retentionDays) => draft.update((x) => ({ ...x, retentionDays }))}
        />
      )}
      <p class="muted">
        A visitor’s data can be exported or erased at once (GDPR) from the visitor panel of any of their
        conversations.
      </p>
    </Section>
  );
}
