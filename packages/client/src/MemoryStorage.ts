/** The subset of the Web Storage API (`localStorage`, `sessionStorage`) the outbox needs. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A `StorageLike` that lives as long as the object: for Node, tests, and browsers without storage. */
export class MemoryStorage implements StorageLike {
  readonly #items = new Map<string, string>();

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  get length(): number {
    return this.#items.size;
  }
}
