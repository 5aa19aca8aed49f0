import type { LiveVisitor, Visitor } from '@parley/protocol';
import { errorText } from '../api/ApiError';
import { Observable } from '../lib/observable';

export interface LiveVisitorPage {
  visitors: LiveVisitor[];
  truncated: boolean;
  windowSeconds: number;
}

/**
 * Who is on the sites now: read over REST when the screen opens and again every few seconds while
 * it is shown; between reads, `visitor` frames move a listed visitor to its new page at once.
 */
export class LiveVisitorsStore extends Observable {
  visitors: LiveVisitor[] = [];
  truncated = false;
  loaded = false;
  error: string | null = null;
  readonly #load: () => Promise<LiveVisitorPage>;

  constructor(load: () => Promise<LiveVisitorPage>) {
    super();
    this.#load = load;
  }

  async refresh(): Promise<void> {
    try {
      const page = await this.#load();
      this.visitors = page.visitors;
      this.truncated = page.truncated;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
    this.changed();
  }

  /** A `visitor` frame: the visitor as it is now; a new page starts its time on the page. */
  update(visitor: Visitor, at: string): void {
    const index = this.visitors.findIndex((v) => v.visitor.id === visitor.id);
    const entry = this.visitors[index];
    if (entry === undefined) return; // not listed: the next read brings it
    const url = visitor.lastPageUrl;
    const moved = url !== null && url !== entry.page?.url;
    const next: LiveVisitor = {
      ...entry,
      visitor,
      page: moved ? { url, title: visitor.lastPageTitle, since: at } : entry.page,
      pagesThisVisit: entry.pagesThisVisit + (moved ? 1 : 0),
    };
    this.visitors = [next, ...this.visitors.filter((_, i) => i !== index)];
    this.changed();
  }

  /** The visitor's conversation, once an agent wrote to them. */
  conversationStarted(visitorId: string, conversationId: string): void {
    this.visitors = this.visitors.map((v) => (v.visitor.id === visitorId ? { ...v, conversationId } : v));
    this.changed();
  }
}
