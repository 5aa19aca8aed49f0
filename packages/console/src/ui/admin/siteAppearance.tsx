import type { SiteDraft, Settings } from '../../state/SiteDraft';
import { Check, Choice, NumberField, Section, TextField } from './fields';

type Appearance = Settings['appearance'];

export function AppearanceSection({ draft }: { draft: SiteDraft }) {
  const a = draft.settings.appearance;
  const set = (change: Partial<Appearance>): void =>
    draft.update((s) => ({ ...s, appearance: { ...s.appearance, ...change } }));
  return (
    <Section title="Appearance">
      <div class="field">
        <label for="appearance-color">Brand colour</label>
        <div class="row">
          <input
            id="appearance-color"
            type="color"
            value={/^#[0-9a-fA-F]{6}$/.test(a.color) ? a.color : '#2563eb'}
            onInput={(e) => set({ color: e.currentTarget.value })}
          />
          <input
            aria-label="Brand colour (hex)"
            value={a.color}
            maxLength={7}
            size={8}
            onInput={(e) => set({ color: e.currentTarget.value })}
          />
        </div>
        <p class="field-hint">
          Launcher, header and the visitor’s own messages. Text on it is chosen for contrast.
        </p>
      </div>
      <div class="grid-2">
        <Choice
          label="Theme"
          value={a.theme}
          options={[
            ['auto', 'Like the visitor’s system'],
            ['light', 'Light'],
            ['dark', 'Dark'],
          ]}
          onChange={(theme) => set({ theme })}
        />
        <Choice
          label="Corner"
          value={a.position}
          options={[
            ['right', 'Bottom right'],
            ['left', 'Bottom left'],
          ]}
          onChange={(position) => set({ position })}
        />
        <NumberField
          label="Distance from the side (px)"
          value={a.offsetX}
          min={0}
          max={400}
          onChange={(offsetX) => set({ offsetX })}
        />
        <NumberField
          label="Distance from the bottom (px)"
          value={a.offsetY}
          min={0}
          max={400}
          onChange={(offsetY) => set({ offsetY })}
        />
        <NumberField
          label="Stacking order (z-index)"
          value={a.zIndex}
          min={0}
          max={2147483647}
          onChange={(zIndex) => set({ zIndex })}
        />
        <Choice
          label="Launcher icon"
          value={a.launcherIcon}
          options={[
            ['chat', 'Chat bubble'],
            ['help', 'Question mark'],
            ['message', 'Envelope'],
          ]}
          onChange={(launcherIcon) => set({ launcherIcon })}
        />
        <TextField
          label="Launcher label"
          value={a.launcherLabel}
          maxLength={200}
          onChange={(launcherLabel) => set({ launcherLabel })}
          hint="Empty: the icon alone."
        />
        <TextField
          label="Team name"
          value={a.teamName}
          maxLength={200}
          onChange={(teamName) => set({ teamName })}
        />
        <Choice
          label="Language"
          value={a.language}
          options={[
            ['auto', 'The visitor’s browser language'],
            ['en', 'English'],
            ['hu', 'Hungarian'],
            ['ru', 'Russian'],
          ]}
          onChange={(language) => set({ language })}
        />
      </div>
      <TextField
        label="Greeting"
        multiline
        maxLength={1000}
        value={a.greeting}
        onChange={(greeting) => set({ greeting })}
        hint="Empty: the translated default."
      />
      <TextField
        label="Away message"
        multiline
        maxLength={1000}
        value={a.awayMessage}
        onChange={(awayMessage) => set({ awayMessage })}
        hint="Shown instead of the greeting outside business hours or when nobody is online. Empty: the default."
      />
      <Check
        label="Show the answering agent’s name and photo"
        checked={a.showAgents}
        onChange={(showAgents) => set({ showAgents })}
      />
    </Section>
  );
}
