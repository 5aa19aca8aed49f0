import { useEffect, useState } from 'preact/hooks';
import type { Observable } from '../lib/observable';
import { parseRoute, type Route } from '../lib/router';

/** Renders the component again whenever one of the stores changes. */
export function useStores(...stores: readonly Observable[]): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = (): void => setTick((n) => n + 1);
    const offs = stores.map((s) => s.subscribe(bump));
    bump(); // a change between the render and this effect is not missed
    return () => {
      for (const off of offs) off();
    };
    // The stores are fixed for a component's life.
  }, stores);
}

/** The current time, refreshed every `ms` (waiting times, local times). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The route in the URL's hash, kept current. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
