/** Small labelled controls for the admin forms: every input has a label, ids are unique per form. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
  maxLength?: number;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'time' | 'date';
  required?: boolean;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.multiline === true ? (
        <textarea
          id={id}
          rows={3}
          value={props.value}
          maxLength={props.maxLength}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      ) : (
        <input
          id={id}
          // Preact types each input type as its own variant, which a union of types cannot match
          // (tsc refuses it without the assertion; the linter cannot see why it is needed).
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          maxLength={props.maxLength}
          required={props.required}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      )}
      {props.hint !== undefined && <p class="field-hint">{props.hint}</p>}
    </div>
  );
}

export function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        min={props.min}
        max={props.max}
        value={props.value}
        onInput={(e) => {
          const n = e.currentTarget.valueAsNumber;
          if (Number.isFinite(n)) props.onChange(Math.trunc(n));
        }}
      />
      {props.hint !== undefined && <p class="field-hint">{props.hint}</p>}
    </div>
  );
}

export function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {props.hint !== undefined && <p class="field-hint">{props.hint}</p>}
    </div>
  );
}

export function Check(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
}) {
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={props.checked}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />{' '}
        {props.label}
      </label>
      {props.hint !== undefined && <p class="field-hint">{props.hint}</p>}
    </>
  );
}

/** A list of text lines (URL patterns): one entry per line. */
export function LinesField(props: {
  label: string;
  lines: readonly string[];
  onChange: (lines: string[]) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        rows={3}
        value={props.lines.join('\n')}
        onInput={(e) =>
          props.onChange(
            e.currentTarget.value
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l !== ''),
          )
        }
      />
      {props.hint !== undefined && <p class="field-hint">{props.hint}</p>}
    </div>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Replaces item `index` of a list (immutable). */
export function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

export function moveAt<T>(list: readonly T[], index: number, step: -1 | 1): T[] {
  const target = index + step;
  if (target < 0 || target >= list.length) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  if (item !== undefined) out.splice(target, 0, item);
  return out;
}
