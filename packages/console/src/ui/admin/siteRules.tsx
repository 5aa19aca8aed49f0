import type { Trigger } from '@parley/protocol';
import type { SiteDraft, Settings } from '../../state/SiteDraft';
import { Check, Choice, LinesField, NumberField, Section, TextField, removeAt, replaceAt } from './fields';

const UNAVAILABLE = [
  ['offline_form', 'Show the offline form (visitors leave a message)'],
  ['hide', 'Hide the widget'],
] as const;

export function AvailabilitySection({ draft }: { draft: SiteDraft }) {
  const s = draft.settings;
  return (
    <Section title="When nobody can answer">
      <Choice
        label="Outside business hours"
        value={s.outsideHours}
        options={UNAVAILABLE}
        onChange={(outsideHours) => draft.update((x) => ({ ...x, outsideHours }))}
      />
      <Choice
        label="During business hours, when no agent is online"
        value={s.noAgents}
        options={UNAVAILABLE}
        onChange={(noAgents) => draft.update((x) => ({ ...x, noAgents }))}
      />
      <NumberField
        label="A chat counts as missed after (seconds without a reply)"
        value={s.missedAfterSeconds}
        min={1}
        max={86400}
        onChange={(missedAfterSeconds) => draft.update((x) => ({ ...x, missedAfterSeconds }))}
      />
    </Section>
  );
}

const PATTERN_HINT =
  'One pattern per line. * matches anything. Patterns starting with / match the path (/pricing*), others the whole address (https://shop.example/checkout/*).';

export function TargetingSection({ draft }: { draft: SiteDraft }) {
  const t = draft.settings.targeting;
  const set = (change: Partial<Settings['targeting']>): void =>
    draft.update((s) => ({ ...s, targeting: { ...s.targeting, ...change } }));
  return (
    <Section title="Targeting">
      <LinesField
        label="Show on these pages"
        lines={t.include}
        onChange={(include) => set({ include })}
        hint={`${PATTERN_HINT} Empty: every page.`}
      />
      <LinesField
        label="Never on these pages"
        lines={t.exclude}
        onChange={(exclude) => set({ exclude })}
        hint="Wins over the list above."
      />
    </Section>
  );
}

const TRIGGER_KINDS = [
  ['time_on_page', 'After some time on a page'],
  ['page_count', 'After a number of pages in a visit'],
  ['url_match', 'On pages matching a pattern'],
  ['exit_intent', 'When the visitor is about to leave'],
  ['custom_event', 'On an event from the page (Parley.track)'],
] as const;
type TriggerKind = Trigger['kind'];

function newTrigger(
  kind: TriggerKind,
  base: Pick<Trigger, 'id' | 'enabled' | 'message' | 'repeat'>,
): Trigger {
  switch (kind) {
    case 'time_on_page':
      return { ...base, kind, seconds: 30 };
    case 'page_count':
      return { ...base, kind, pages: 3 };
    case 'url_match':
      return { ...base, kind, pattern: '/pricing*' };
    case 'exit_intent':
      return { ...base, kind };
    case 'custom_event':
      return { ...base, kind, event: 'checkout_started' };
  }
}

export function TriggersSection({ draft }: { draft: SiteDraft }) {
  const triggers = draft.settings.triggers;
  const set = (next: Trigger[]): void => draft.update((s) => ({ ...s, triggers: next }));
  const put = (i: number, t: Trigger): void => set(replaceAt(triggers, i, t));
  return (
    <Section title="Triggers">
      <p class="muted">
        Proactive invitations: the widget opens with your message when the condition is met.
      </p>
      <ul class="list-editor">
        {triggers.map((t, i) => (
          <li key={t.id}>
            <div class="grid-2">
              <Choice
                label="When"
                value={t.kind}
                options={TRIGGER_KINDS}
                onChange={(kind) =>
                  put(
                    i,
                    newTrigger(kind, { id: t.id, enabled: t.enabled, message: t.message, repeat: t.repeat }),
                  )
                }
              />
              {t.kind === 'time_on_page' && (
                <NumberField
                  label="Seconds on the page"
                  value={t.seconds}
                  min={1}
                  max={3600}
                  onChange={(seconds) => put(i, { ...t, seconds })}
                />
              )}
              {t.kind === 'page_count' && (
                <NumberField
                  label="Pages in the visit"
                  value={t.pages}
                  min={1}
                  max={1000}
                  onChange={(pages) => put(i, { ...t, pages })}
                />
              )}
              {t.kind === 'url_match' && (
                <TextField
                  label="Page pattern"
                  value={t.pattern}
                  maxLength={500}
                  onChange={(pattern) => put(i, { ...t, pattern })}
                />
              )}
              {t.kind === 'custom_event' && (
                <TextField
                  label="Event name"
                  value={t.event}
                  maxLength={100}
                  onChange={(event) => put(i, { ...t, event })}
                />
              )}
              <Choice
                label="How often"
                value={t.repeat}
                options={[
                  ['visit', 'Once per visit'],
                  ['always', 'Every time'],
                ]}
                onChange={(repeat) => put(i, { ...t, repeat })}
              />
            </div>
            <TextField
              label="Message"
              multiline
              maxLength={1000}
              value={t.message}
              onChange={(message) => put(i, { ...t, message })}
            />
            <div class="row">
              <Check label="Enabled" checked={t.enabled} onChange={(enabled) => put(i, { ...t, enabled })} />
              <button type="button" onClick={() => set(removeAt(triggers, i))}>
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      <div class="form-actions">
        <button
          type="button"
          onClick={() =>
            set([
              ...triggers,
              newTrigger('time_on_page', {
                id: `t${Date.now().toString(36)}`,
                enabled: true,
                message: 'Hello! Can we help you with anything?',
                repeat: 'visit',
              }),
            ])
          }
        >
          Add a trigger
        </button>
      </div>
    </Section>
  );
}
