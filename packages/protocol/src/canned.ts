/**
 * Canned responses: the variables their text may contain and how they are expanded. Plain code,
 * shared by the server (which refuses unknown variables when a response is saved) and clients
 * (which expand them in the composer, where the values are at hand).
 *
 * Syntax: `{{visitor.name}}`, with optional spaces inside the braces, and an optional fallback
 * after `|` used when the value is unknown: `Hi {{visitor.firstName|there}}!`.
 */

/** Every variable, with what it stands for. */
export const CANNED_VARIABLES = {
  'visitor.name': 'the visitor’s name (pre-chat form, offline form or identify())',
  'visitor.firstName': 'the first word of the visitor’s name',
  'visitor.email': 'the visitor’s e-mail address',
  'agent.name': 'the name of the agent sending the reply',
  'agent.firstName': 'the first word of that agent’s name',
  'site.name': 'the name of the conversation’s site',
} as const;
export type CannedVariable = keyof typeof CANNED_VARIABLES;

/** What may follow `/` in the composer: lowercase letters, digits, `-` and `_`, 1 to 32 characters. */
export const CANNED_SHORTCUT = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)\s*(?:\|([^{}]*))?\}\}/g;

function isVariable(name: string): name is CannedVariable {
  return Object.hasOwn(CANNED_VARIABLES, name);
}

/** Variable names used in a text that are not in `CANNED_VARIABLES` (each once, in order). */
export function unknownCannedVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? '';
    if (!isVariable(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

export interface CannedContext {
  visitor?: { name?: string | null; email?: string | null } | null;
  agent?: { name?: string | null } | null;
  site?: { name?: string | null } | null;
}

function firstWord(name: string | null | undefined): string | null {
  const word = name?.trim().split(/\s+/)[0];
  return word === undefined || word === '' ? null : word;
}

/** The value of every variable for one conversation; null where it is unknown. */
export function cannedValues(c: CannedContext): Record<CannedVariable, string | null> {
  const blank = (v: string | null | undefined): string | null => (v?.trim() ? v.trim() : null);
  return {
    'visitor.name': blank(c.visitor?.name),
    'visitor.firstName': firstWord(c.visitor?.name),
    'visitor.email': blank(c.visitor?.email),
    'agent.name': blank(c.agent?.name),
    'agent.firstName': firstWord(c.agent?.name),
    'site.name': blank(c.site?.name),
  };
}

/**
 * The text with every known variable replaced by its value, or by its fallback (trimmed) when the
 * value is unknown, or by nothing. Unknown variables are left as they are.
 */
export function expandCanned(text: string, context: CannedContext): string {
  const values = cannedValues(context);
  return text.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
    if (!isVariable(name)) return whole;
    return values[name] ?? fallback?.trim() ?? '';
  });
}
