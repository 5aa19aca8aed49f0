import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A component whose code is loaded the first time it is shown (a separate chunk of the bundle):
 * the admin area and the settings stay out of the console's first load.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [component, setComponent] = useState<{ C: ComponentType<P> } | null>(loaded && { C: loaded });
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (component !== null) return;
      load().then(
        (C) => {
          loaded = C;
          setComponent({ C });
        },
        () => setFailed(true),
      );
    }, [component]);
    if (failed) {
      return (
        <p class="page-error" role="alert">
          This part of the console could not be loaded. Check the connection and reload the page.
        </p>
      );
    }
    if (component === null) return <p class="page-loading">Loading…</p>;
    const { C } = component;
    return <C {...props} />;
  };
}
