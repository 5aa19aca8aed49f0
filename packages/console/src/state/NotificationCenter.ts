import type { ConversationForAgent, Message } from '@parley/protocol';
import { Observable } from '../lib/observable';
import type { AudioState } from '../lib/sound';

export interface NotifyPrefs {
  /** A chime for a new conversation or a new visitor message. */
  sound: boolean;
  /** A system notification while the console is in the background. */
  desktop: boolean;
}

export type Permission = 'default' | 'granted' | 'denied' | 'unsupported';

/** The browser's side: sound, system notifications. */
export interface Alerter {
  chime(): Promise<AudioState>;
  notify(notification: { title: string; body: string; tag: string; conversationId: string }): void;
}

/** Where the agent's attention is when something arrives. */
export interface Attention {
  /** The tab is visible and has the focus. */
  looking: boolean;
  selectedId: string | null;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const DEFAULTS: NotifyPrefs = { sound: true, desktop: false };

/**
 * Decides when to chime and when to raise a system notification, and keeps the agent's settings
 * (in this browser's storage, per agent). Only conversations the agent is expected to answer
 * (unassigned or theirs) alert; a message in the conversation the agent is looking at does not.
 */
export class NotificationCenter extends Observable {
  prefs: NotifyPrefs;
  audio: AudioState | 'unknown' = 'unknown';
  permission: Permission;
  readonly #alerter: Alerter;
  readonly #storage: StorageLike | null;
  readonly #key: string;

  constructor(options: {
    alerter: Alerter;
    storage: StorageLike | null;
    agentId: string;
    permission: Permission;
  }) {
    super();
    this.#alerter = options.alerter;
    this.#storage = options.storage;
    this.#key = `parley:console:notifications:${options.agentId}`;
    this.permission = options.permission;
    this.prefs = this.#load();
  }

  setPrefs(change: Partial<NotifyPrefs>): void {
    this.prefs = { ...this.prefs, ...change };
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(this.prefs));
    } catch {
      // Storage full or disabled: the settings last for this page only.
    }
    this.changed();
  }

  audioState(state: AudioState): void {
    if (state === this.audio) return;
    this.audio = state;
    this.changed();
  }

  permissionChanged(permission: Permission): void {
    this.permission = permission;
    if (permission !== 'granted' && this.prefs.desktop) this.setPrefs({ desktop: false });
    this.changed();
  }

  /** Sound is wanted but the browser blocks it until the agent clicks: show the prompt. */
  get needsAudioUnlock(): boolean {
    return this.prefs.sound && this.audio === 'blocked';
  }

  newConversation(summary: ConversationForAgent, title: string, attention: Attention): void {
    this.#alert(attention, summary.id, false, {
      title: `New conversation: ${title}`,
      body: summary.lastMessagePreview ?? 'A visitor started a chat.',
    });
  }

  /** Handed to this agent; quiet when the agent is looking at it (then they did it themselves). */
  assignedToMe(summary: ConversationForAgent, title: string, attention: Attention): void {
    this.#alert(attention, summary.id, true, {
      title: `Assigned to you: ${title}`,
      body: summary.lastMessagePreview ?? '',
    });
  }

  newMessage(message: Message, title: string, attention: Attention): void {
    if (message.author.kind !== 'visitor' || message.private) return;
    this.#alert(attention, message.conversationId, true, {
      title,
      body: message.body || message.attachments.map((a) => a.name).join(', '),
    });
  }

  #alert(
    attention: Attention,
    conversationId: string,
    quietWhenShown: boolean,
    text: { title: string; body: string },
  ): void {
    const shown = attention.looking && attention.selectedId === conversationId;
    if (quietWhenShown && shown) return;
    if (this.prefs.sound) {
      void this.#alerter.chime().then((state) => this.audioState(state));
    }
    if (this.prefs.desktop && this.permission === 'granted' && !attention.looking) {
      this.#alerter.notify({ ...text, tag: `parley:${conversationId}`, conversationId });
    }
  }

  #load(): NotifyPrefs {
    try {
      const raw: unknown = JSON.parse(this.#storage?.getItem(this.#key) ?? 'null');
      if (typeof raw !== 'object' || raw === null) return { ...DEFAULTS };
      const { sound, desktop } = raw as Record<string, unknown>;
      return {
        sound: typeof sound === 'boolean' ? sound : DEFAULTS.sound,
        desktop: typeof desktop === 'boolean' ? desktop && this.permission === 'granted' : DEFAULTS.desktop,
      };
    } catch {
      return { ...DEFAULTS };
    }
  }
}
