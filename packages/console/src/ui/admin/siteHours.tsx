import { useId } from 'preact/hooks';
import type { SiteDraft, Settings } from '../../state/SiteDraft';
import { Check, Section, removeAt, replaceAt } from './fields';

type Hours = Settings['hours'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

export function HoursSection({ draft }: { draft: SiteDraft }) {
  const h = draft.settings.hours;
  const set = (change: Partial<Hours>): void =>
    draft.update((s) => ({ ...s, hours: { ...s.hours, ...change } }));
  const zonesId = useId();
  return (
    <Section title="Business hours">
      <Check
        label="Limit the chat to business hours"
        checked={h.enabled}
        onChange={(enabled) => set({ enabled })}
        hint="Off: always open; only whether an agent is online decides."
      />
      <div class="field">
        <label for={`${zonesId}-input`}>Time zone</label>
        <input
          id={`${zonesId}-input`}
          list={zonesId}
          value={h.timeZone}
          maxLength={64}
          onInput={(e) => set({ timeZone: e.currentTarget.value })}
        />
        <datalist id={zonesId}>
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <h3>Opening hours</h3>
      <ul class="list-editor">
        {h.weekly.map((interval, i) => (
          <li key={i} class="row">
            <select
              aria-label="Day"
              value={String(interval.day)}
              onChange={(e) =>
                set({ weekly: replaceAt(h.weekly, i, { ...interval, day: Number(e.currentTarget.value) }) })
              }
            >
              {DAYS.map((d, day) => (
                <option key={d} value={String(day)}>
                  {d}
                </option>
              ))}
            </select>
            <input
              aria-label="Opens at"
              type="time"
              value={interval.open}
              onInput={(e) =>
                set({ weekly: replaceAt(h.weekly, i, { ...interval, open: e.currentTarget.value }) })
              }
            />
            –
            <input
              aria-label="Closes at"
              type="time"
              value={interval.close === '24:00' ? '23:59' : interval.close}
              onInput={(e) =>
                set({ weekly: replaceAt(h.weekly, i, { ...interval, close: e.currentTarget.value }) })
              }
            />
            <button type="button" onClick={() => set({ weekly: removeAt(h.weekly, i) })}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div class="form-actions">
        <button
          type="button"
          onClick={() => set({ weekly: [...h.weekly, { day: 1, open: '09:00', close: '17:00' }] })}
        >
          Add opening hours
        </button>
        <button
          type="button"
          onClick={() =>
            set({ weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })) })
          }
        >
          Monday to Friday, 9 to 5
        </button>
      </div>
      <h3>Holidays</h3>
      <ul class="list-editor">
        {h.holidays.map((holiday, i) => (
          <li key={i} class="row">
            <input
              aria-label="Date"
              type="date"
              value={holiday.date}
              onInput={(e) =>
                set({ holidays: replaceAt(h.holidays, i, { ...holiday, date: e.currentTarget.value }) })
              }
            />
            <input
              aria-label="Holiday name"
              value={holiday.name}
              maxLength={200}
              onInput={(e) =>
                set({ holidays: replaceAt(h.holidays, i, { ...holiday, name: e.currentTarget.value }) })
              }
            />
            <button type="button" onClick={() => set({ holidays: removeAt(h.holidays, i) })}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div class="form-actions">
        <button
          type="button"
          onClick={() =>
            set({ holidays: [...h.holidays, { date: new Date().toISOString().slice(0, 10), name: '' }] })
          }
        >
          Add a holiday
        </button>
      </div>
    </Section>
  );
}
