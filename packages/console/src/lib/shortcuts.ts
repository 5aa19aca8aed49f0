/** Keyboard shortcuts: which key does what, and the list the help overlay shows. */
export type Command =
  'next' | 'previous' | 'assignToMe' | 'close' | 'focusComposer' | 'noteMode' | 'search' | 'help' | 'escape';

export interface KeyInput {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** The focus is in a text field: single letters are typing, not commands. */
  inEditable: boolean;
}

export const SHORTCUTS: readonly { keys: readonly string[]; command: Command; text: string }[] = [
  { keys: ['j', 'Alt+↓'], command: 'next', text: 'Next conversation' },
  { keys: ['k', 'Alt+↑'], command: 'previous', text: 'Previous conversation' },
  { keys: ['a'], command: 'assignToMe', text: 'Assign the conversation to me' },
  { keys: ['c'], command: 'close', text: 'Close the conversation' },
  { keys: ['r'], command: 'focusComposer', text: 'Write a reply (focus the composer)' },
  { keys: ['n'], command: 'noteMode', text: 'Write a private note' },
  { keys: ['/'], command: 'search', text: 'Search conversations' },
  { keys: ['?'], command: 'help', text: 'Show these shortcuts' },
  { keys: ['Esc'], command: 'escape', text: 'Leave the composer, close this list' },
];

const LETTERS: Record<string, Command> = {
  j: 'next',
  k: 'previous',
  a: 'assignToMe',
  c: 'close',
  r: 'focusComposer',
  n: 'noteMode',
  '/': 'search',
  '?': 'help',
};

export function commandFor(input: KeyInput): Command | null {
  if (input.ctrlKey || input.metaKey) return null;
  if (input.key === 'Escape') return 'escape';
  if (input.altKey) {
    if (input.key === 'ArrowDown') return 'next';
    if (input.key === 'ArrowUp') return 'previous';
    return null;
  }
  if (input.inEditable) return null;
  return LETTERS[input.key] ?? null;
}

/** Text fields, editable regions and selects keep their keys. */
export function isEditable(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}
