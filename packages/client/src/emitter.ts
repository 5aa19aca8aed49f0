export type Listener<T> = (payload: T) => void;

export interface Emitter<Events extends object> {
  /** Returns a function that removes the listener. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void;
  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void;
  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void;
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
}

export function createEmitter<Events extends object>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();

  const off = <K extends keyof Events>(type: K, listener: Listener<Events[K]>): void => {
    listeners.get(type)?.delete(listener);
  };
  const on = <K extends keyof Events>(type: K, listener: Listener<Events[K]>): (() => void) => {
    let set = listeners.get(type);
    if (set === undefined) {
      set = new Set();
      listeners.set(type, set);
    }
    set.add(listener);
    return () => off(type, listener);
  };

  return {
    on,
    off,
    once(type, listener) {
      const remove = on(type, (payload) => {
        remove();
        listener(payload);
      });
      return remove;
    },
    emit(type, payload) {
      const set = listeners.get(type);
      if (set === undefined) return;
      // A snapshot, so that listeners may subscribe or unsubscribe while being called.
      for (const listener of [...set] as Listener<typeof payload>[]) {
        try {
          listener(payload);
        } catch (error) {
          // A faulty listener must not leave the client half way through applying a frame; the
          // error is still reported, as an uncaught exception, outside the client's call stack.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
