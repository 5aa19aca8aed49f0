/**
 * The base of every store: state lives in the subclass, `changed()` tells subscribers (the
 * components that render it) to read it again. Stores never know about components.
 */
export class Observable {
  readonly #listeners = new Set<() => void>();
  #version = 0;

  /** Raised by every change: a component compares it to decide whether to render again. */
  get version(): number {
    return this.#version;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  protected changed(): void {
    this.#version += 1;
    for (const listener of [...this.#listeners]) listener();
  }
}
