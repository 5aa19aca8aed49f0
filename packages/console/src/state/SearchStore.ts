import type { SearchHit } from '@parley/protocol';
import { errorText } from '../api/ApiError';
import { Observable } from '../lib/observable';

export type SearchFn = (
  query: string,
  before?: string,
) => Promise<{ results: SearchHit[]; nextCursor: string | null }>;

/**
 * The inbox's search: what was asked, the results so far (newest first, paged), and whether a
 * request is on its way. An answer to an older query never replaces a newer one's.
 */
export class SearchStore extends Observable {
  query = '';
  results: SearchHit[] = [];
  nextCursor: string | null = null;
  loading = false;
  error: string | null = null;
  /** The query the results belong to (null: nothing searched yet). */
  answered: string | null = null;
  readonly #search: SearchFn;
  #ticket = 0;

  constructor(search: SearchFn) {
    super();
    this.#search = search;
  }

  get active(): boolean {
    return this.query.trim() !== '';
  }

  async run(query: string): Promise<void> {
    this.query = query;
    const q = query.trim();
    const ticket = ++this.#ticket;
    if (q === '') {
      this.#set({ results: [], nextCursor: null, loading: false, error: null, answered: null });
      return;
    }
    this.#set({ loading: true, error: null });
    try {
      const page = await this.#search(q);
      if (ticket === this.#ticket) this.#set({ ...page, loading: false, answered: q });
    } catch (error) {
      if (ticket === this.#ticket) this.#set({ loading: false, error: errorText(error) });
    }
  }

  async more(): Promise<void> {
    const q = this.answered;
    const cursor = this.nextCursor;
    if (q === null || cursor === null || this.loading) return;
    const ticket = this.#ticket;
    this.#set({ loading: true, error: null });
    try {
      const page = await this.#search(q, cursor);
      if (ticket === this.#ticket) {
        this.#set({
          results: [...this.results, ...page.results],
          nextCursor: page.nextCursor,
          loading: false,
        });
      }
    } catch (error) {
      if (ticket === this.#ticket) this.#set({ loading: false, error: errorText(error) });
    }
  }

  clear(): void {
    void this.run('');
  }

  #set(
    change: Partial<Pick<SearchStore, 'results' | 'nextCursor' | 'loading' | 'error' | 'answered'>>,
  ): void {
    Object.assign(this, change);
    this.changed();
  }
}
