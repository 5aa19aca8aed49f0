import { useState } from 'preact/hooks';
import { randomUuid } from '@parley/client/core';
import type { FormField } from '@parley/protocol';
import type { Shell } from '../shared/shell';
import type { Texts } from './i18n/en';

type Values = Record<string, string>;

function Field({
  field,
  shell,
  t,
  values,
  set,
}: {
  field: FormField;
  shell: Shell;
  t: Texts;
  values: Values;
  set: (k: string, v: string) => void;
}) {
  const id = `parley-f-${field.key}`;
  const common = {
    id,
    name: field.key,
    required: field.required,
    value: values[field.key] ?? '',
    onInput: (e: { currentTarget: { value: string } }) => set(field.key, e.currentTarget.value),
  };
  const options =
    field.type === 'department'
      ? shell.config.departments.map((d) => [d.id, d.name])
      : field.options.map((o) => [o, o]);
  return (
    <div class="field">
      <label for={id}>
        {field.label}
        {field.required && <span class="req"> ({t.required})</span>}
      </label>
      {field.type === 'textarea' ? (
        <textarea rows={3} maxLength={5000} {...common} />
      ) : field.type === 'select' || field.type === 'department' ? (
        <select {...common}>
          <option value="">{t.choose}</option>
          {options.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      ) : (
        <input
          type={field.type === 'email' ? 'email' : 'text'}
          list={undefined}
          maxLength={field.type === 'email' ? 320 : 200}
          autoComplete={field.key === 'email' ? 'email' : field.key === 'name' ? 'name' : 'off'}
          {...common}
        />
      )}
    </div>
  );
}

/**
 * A form of the site's fields. The pre-chat form posts them and then opens the chat; the offline
 * form posts them with a message (idempotent by its clientMsgId, kept across retries).
 */
export function SiteForm({
  kind,
  shell,
  t,
  done,
}: {
  kind: 'prechat' | 'offline';
  shell: Shell;
  t: Texts;
  done: () => void;
}) {
  const form = kind === 'prechat' ? shell.config.prechatForm : shell.config.offlineForm;
  const fields = form.enabled ? form.fields : [];
  const [values, setValues] = useState<Values>({});
  const [message, setMessage] = useState('');
  const [state, setState] = useState<'idle' | 'busy' | 'failed' | 'missing'>('idle');
  const [clientMsgId] = useState(() => randomUuid());
  const set = (k: string, v: string): void => setValues({ ...values, [k]: v });
  return (
    <form
      class="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const missing = fields.some((f) => f.required && (values[f.key] ?? '').trim() === '');
        if (missing || (kind === 'offline' && message.trim() === '') || !e.currentTarget.checkValidity()) {
          setState('missing');
          return;
        }
        setState('busy');
        const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
        const request =
          kind === 'prechat'
            ? shell.post('/api/v1/visitor/prechat', { fields: filled })
            : shell.post('/api/v1/visitor/offline-messages', { clientMsgId, fields: filled, message });
        request.then(done, () => setState('failed'));
      }}
    >
      {kind === 'offline' && <h3>{t.offlineTitle}</h3>}
      {fields.map((f) => (
        <Field key={f.key} field={f} shell={shell} t={t} values={values} set={set} />
      ))}
      {kind === 'offline' && (
        <div class="field">
          <label for="parley-f-message">
            {t.message} <span class="req">({t.required})</span>
          </label>
          <textarea
            id="parley-f-message"
            rows={4}
            maxLength={5000}
            required
            value={message}
            onInput={(e) => setMessage(e.currentTarget.value)}
          />
        </div>
      )}
      <p class="problem" role="alert">
        {state === 'missing' ? t.fillRequired : state === 'failed' ? t.failed : ''}
      </p>
      <button class="primary" disabled={state === 'busy'}>
        {kind === 'prechat' ? t.start : t.send}
      </button>
    </form>
  );
}
