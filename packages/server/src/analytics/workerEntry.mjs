// The analytics worker's entry: worker threads do not inherit the main thread's tsx loader
// (bin/parley.js registers it the same way), so this plain module registers it, then loads the code.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
