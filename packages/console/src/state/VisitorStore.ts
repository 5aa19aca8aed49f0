import type { Visitor } from '@parley/protocol';
import { Observable } from '../lib/observable';

export interface PageView {
  url: string;
  title: string | null;
  referrer: string | null;
  at: string;
}

export interface TrackedEvent {
  name: string;
  data: Record<string, string | number | boolean | null>;
  at: string;
}

export interface VisitorDetails {
  visitor: Visitor;
  pageViews: PageView[];
  events: TrackedEvent[];
}

type Entry =
  | { state: 'loading'; details: VisitorDetails | null }
  | { state: 'loaded'; details: VisitorDetails }
  | { state: 'failed'; details: VisitorDetails | null; error: string };

/**
 * What the console knows about visitors: loaded over REST when their conversation is opened, kept
 * current by the server's `visitor` frames (a whole visitor each, so applying one is a replace).
 */
export class VisitorStore extends Observable {
  readonly #entries = new Map<string, Entry>();

  entry(id: string): Entry | undefined {
    return this.#entries.get(id);
  }

  /** Whether a REST load is worth starting (nothing known, or the last one failed). */
  needsLoad(id: string): boolean {
    const entry = this.#entries.get(id);
    return entry === undefined || entry.state === 'failed';
  }

  loading(id: string): void {
    this.#entries.set(id, { state: 'loading', details: this.#entries.get(id)?.details ?? null });
    this.changed();
  }

  loaded(details: VisitorDetails): void {
    this.#entries.set(details.visitor.id, { state: 'loaded', details });
    this.changed();
  }

  failed(id: string, error: string): void {
    this.#entries.set(id, { state: 'failed', details: this.#entries.get(id)?.details ?? null, error });
    this.changed();
  }

  /** A `visitor` frame: the visitor replaced; a new current page is added to the visit's pages. */
  update(visitor: Visitor, at: string): void {
    const entry = this.#entries.get(visitor.id);
    if (entry === undefined || entry.details === null) return; // not shown: loaded fresh when opened
    const details = entry.details;
    const pageViews = [...details.pageViews];
    const page = visitor.lastPageUrl;
    if (page !== null && page !== details.visitor.lastPageUrl) {
      pageViews.unshift({ url: page, title: visitor.lastPageTitle, referrer: null, at });
    }
    this.#entries.set(visitor.id, { ...entry, details: { ...details, visitor, pageViews } });
    this.changed();
  }
}
