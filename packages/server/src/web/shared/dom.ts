/**
 * The few DOM helpers the pages share. User text only ever reaches the page through `textContent`
 * (the `text` option): nothing here parses HTML.
 */

export interface ElementProps {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className !== undefined) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** An element of the static page markup; a missing one is a bug in the HTML, reported at once. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return node;
}

export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export interface ListRenderer<T> {
  key(item: T): string;
  /** What `build` depends on: an element is rebuilt only when it changes. */
  signature(item: T): string;
  build(item: T): HTMLElement;
  /** Refreshes the small mutable parts (a status, a count) of a kept element. */
  update?(node: HTMLElement, item: T): void;
}

const rendered = new WeakMap<HTMLElement, Map<string, { node: HTMLElement; signature: string }>>();

/**
 * Makes `parent`'s children match `items`, by key. An element whose signature did not change is kept
 * (and with it the reader's selection and a screen reader's place), so a live region announces only
 * what is new.
 */
export function reconcile<T>(parent: HTMLElement, items: readonly T[], renderer: ListRenderer<T>): void {
  const before = rendered.get(parent) ?? new Map<string, { node: HTMLElement; signature: string }>();
  const after = new Map<string, { node: HTMLElement; signature: string }>();
  items.forEach((item, index) => {
    const key = renderer.key(item);
    const signature = renderer.signature(item);
    const old = before.get(key);
    let node: HTMLElement;
    if (old !== undefined && old.signature === signature) node = old.node;
    else {
      old?.node.remove();
      node = renderer.build(item);
    }
    renderer.update?.(node, item);
    after.set(key, { node, signature });
    const at = parent.children[index];
    if (at !== node) parent.insertBefore(node, at ?? null);
  });
  for (const [key, { node }] of before) if (!after.has(key)) node.remove();
  rendered.set(parent, after);
}

/** Coalesces many store changes of one task into a single render. */
export function renderScheduler(render: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      render();
    });
  };
}

/** Keeps a scrolled-to-bottom list at the bottom when it grows; leaves it alone when the reader scrolled up. */
export function stickToBottom(list: HTMLElement, update: () => void): void {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  update();
  if (atBottom) list.scrollTop = list.scrollHeight;
}
