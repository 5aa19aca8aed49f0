import { matchesUrlPattern } from '@parley/protocol';
import type { Trigger } from '@parley/protocol';

export interface TriggerHost {
  /** Ids fired in this visit (sessionStorage), and recording one. */
  fired(): string[];
  remember(id: string): void;
  fire(trigger: Trigger): void;
}

/**
 * Proactive invitations. Each page view (a load or a single-page-app route change) re-arms the
 * page-scoped conditions: time on page restarts, page count and URL are checked. A trigger fires at
 * most once per visit unless its `repeat` is 'always', in which case it fires each time its
 * condition is met again (each page view for page, time and URL conditions, each exit intent,
 * each matching event).
 */
export interface Triggers {
  pageView(url: string, pagesInVisit: number): void;
  /** The pointer left the page through its top edge (counted once per page view). */
  exitIntent(): void;
  event(name: string): void;
}

export function createTriggers(all: readonly Trigger[], host: TriggerHost): Triggers {
  const triggers = all.filter((t) => t.enabled);
  let timers: ReturnType<typeof setTimeout>[] = [];
  let exitArmed = true;
  const attempt = (t: Trigger): void => {
    if (t.repeat !== 'always') {
      if (host.fired().includes(t.id)) return;
      host.remember(t.id);
    }
    host.fire(t);
  };
  return {
    pageView(url, pagesInVisit) {
      for (const timer of timers) clearTimeout(timer);
      timers = [];
      exitArmed = true;
      for (const t of triggers) {
        if (t.kind === 'time_on_page') timers.push(setTimeout(() => attempt(t), t.seconds * 1000));
        else if (
          t.kind === 'page_count'
            ? pagesInVisit >= t.pages
            : t.kind === 'url_match' && matchesUrlPattern(t.pattern, url)
        )
          attempt(t);
      }
    },
    exitIntent() {
      if (!exitArmed) return;
      exitArmed = false;
      for (const t of triggers) if (t.kind === 'exit_intent') attempt(t);
    },
    event(name) {
      for (const t of triggers) if (t.kind === 'custom_event' && t.event === name) attempt(t);
    },
  };
}
