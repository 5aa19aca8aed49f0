import type { SearchHit } from '@parley/protocol';
import { iso } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { AgentActor, AppContext } from '../shared/context';
import { checkSiteAccess } from '../agents/policies';
import { conversationStore } from '../conversations/store';
import { presentForAgent } from '../conversations/queries';
import { searchStore, type SearchScope } from './store';
import { highlightWords, matchesAll, parseMarked, searchTerms } from './text';

interface Ranked {
  at: number;
  id: string;
  conversationId: string;
  build: (conversation: SearchHit['conversation']) => SearchHit;
}

function parseCursor(before: string | undefined): SearchScope['before'] {
  if (before === undefined) return undefined;
  const i = before.indexOf('~');
  const at = Number(before.slice(0, i));
  const id = before.slice(i + 1);
  if (i < 1 || !Number.isSafeInteger(at) || id === '')
    throw new AppError('validation_failed', 'bad cursor', 400);
  return { at, id };
}

/**
 * Everything the agent may see that matches every word (as word prefixes): messages — notes
 * included, system lines not — and conversations whose visitor's name or e-mail matches. Newest
 * first across both; each hit carries its conversation as the agent sees it and a highlighted
 * excerpt (plain text and ranges, never markup).
 */
export async function search(
  ctx: AppContext,
  actor: AgentActor,
  input: { q: string; siteId?: string | undefined; limit: number; before?: string | undefined },
): Promise<{ results: SearchHit[]; nextCursor: string | null }> {
  const terms = searchTerms(input.q);
  if (input.siteId !== undefined) checkSiteAccess(actor, input.siteId);
  const siteIds =
    input.siteId !== undefined
      ? [input.siteId]
      : actor.siteIds === 'all'
        ? ('all' as const)
        : [...actor.siteIds];
  // One more than a page from each source tells whether another page follows.
  const scope: SearchScope = { siteIds, limit: input.limit + 1, before: parseCursor(input.before) };
  const [messages, visitors] = await Promise.all([
    searchStore.messages(ctx.db, ctx.dialect, terms, scope),
    searchStore.visitors(ctx.db, ctx.dialect, terms, scope),
  ]);

  const ranked: Ranked[] = [
    ...messages.map((m) => ({
      at: m.created_at,
      id: m.id,
      conversationId: m.conversation_id,
      build: (conversation: SearchHit['conversation']): SearchHit => ({
        conversation,
        field: 'body',
        message: {
          id: m.id,
          seq: m.seq,
          author: { kind: m.author_kind, id: m.author_id, name: m.author_name },
          private: m.private === 1,
          at: iso(m.created_at),
        },
        snippet: parseMarked(m.snippet),
      }),
    })),
    ...visitors.map((v) => {
      // The field that matches the whole query is the one shown; else the name when it matches a part.
      const name = v.name === null ? null : highlightWords(v.name, terms);
      const onName =
        name !== null &&
        (matchesAll(name.text, terms) ||
          (name.highlights.length > 0 && (v.email === null || !matchesAll(v.email, terms))));
      return {
        at: v.at,
        id: v.conversation_id,
        conversationId: v.conversation_id,
        build: (conversation: SearchHit['conversation']): SearchHit => ({
          conversation,
          field: onName ? 'name' : 'email',
          message: null,
          snippet: onName ? name : highlightWords(v.email ?? '', terms),
        }),
      };
    }),
  ];
  ranked.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = ranked.slice(0, input.limit);

  const rows = await conversationStore.forAgentMany(ctx.db, [...new Set(page.map((h) => h.conversationId))]);
  const conversations = new Map((await presentForAgent(ctx.db, actor.id, rows)).map((c) => [c.id, c]));
  const results = page.flatMap((h) => {
    const c = conversations.get(h.conversationId);
    return c ? [h.build(c)] : [];
  });
  const last = page.at(-1);
  return {
    results,
    nextCursor: ranked.length > input.limit && last ? `${last.at}~${last.id}` : null,
  };
}
