import type { FormField } from '@parley/protocol';
import type { SiteDraft, Settings } from '../../state/SiteDraft';
import { Check, Choice, Section, TextField, moveAt, removeAt, replaceAt } from './fields';

type FormName = 'prechatForm' | 'offlineForm';
type ChatForm = Settings[FormName];

const TYPES = [
  ['text', 'Text'],
  ['email', 'E-mail'],
  ['textarea', 'Long text'],
  ['select', 'Choice'],
  ['department', 'Department'],
] as const;

export function FormsSection({ draft }: { draft: SiteDraft }) {
  return (
    <>
      <FormEditor
        draft={draft}
        name="prechatForm"
        title="Pre-chat form"
        lead="Asked before the first message. Keys name, email and department fill the visitor and the conversation; others become attributes."
      />
      <FormEditor
        draft={draft}
        name="offlineForm"
        title="Offline form"
        lead="Shown when nobody can answer (see “When nobody can answer”); the message lands in the inbox."
      />
    </>
  );
}

function FormEditor({
  draft,
  name,
  title,
  lead,
}: {
  draft: SiteDraft;
  name: FormName;
  title: string;
  lead: string;
}) {
  const form = draft.settings[name];
  const set = (change: Partial<ChatForm>): void =>
    draft.update((s) => ({ ...s, [name]: { ...s[name], ...change } }));
  const put = (i: number, f: FormField): void => set({ fields: replaceAt(form.fields, i, f) });
  return (
    <Section title={title}>
      <p class="muted">{lead}</p>
      <Check
        label={`Use the ${title.toLowerCase()}`}
        checked={form.enabled}
        onChange={(enabled) => set({ enabled })}
      />
      <ul class="list-editor">
        {form.fields.map((f, i) => (
          <li key={i}>
            <div class="grid-2">
              <TextField
                label="Label"
                value={f.label}
                maxLength={200}
                onChange={(label) => put(i, { ...f, label })}
              />
              <TextField label="Key" value={f.key} maxLength={64} onChange={(key) => put(i, { ...f, key })} />
              <Choice
                label="Type"
                value={f.type}
                options={TYPES}
                onChange={(type) => put(i, { ...f, type })}
              />
              {f.type === 'select' && (
                <TextField
                  label="Choices"
                  value={f.options.join(', ')}
                  onChange={(v) =>
                    put(i, {
                      ...f,
                      options: v
                        .split(',')
                        .map((o) => o.trim())
                        .filter((o) => o !== ''),
                    })
                  }
                  hint="Separated by commas."
                />
              )}
            </div>
            <div class="row">
              <Check
                label="Required"
                checked={f.required}
                onChange={(required) => put(i, { ...f, required })}
              />
              <button
                type="button"
                aria-label={`Move ${f.label} up`}
                onClick={() => set({ fields: moveAt(form.fields, i, -1) })}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${f.label} down`}
                onClick={() => set({ fields: moveAt(form.fields, i, 1) })}
              >
                ↓
              </button>
              <button type="button" onClick={() => set({ fields: removeAt(form.fields, i) })}>
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
            set({
              fields: [
                ...form.fields,
                {
                  key: `field${form.fields.length + 1}`,
                  label: 'New field',
                  type: 'text',
                  required: false,
                  options: [],
                },
              ],
            })
          }
        >
          Add a field
        </button>
      </div>
    </Section>
  );
}
