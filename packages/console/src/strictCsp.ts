/**
 * Imported first by the entry. zod compiles fast object parsers with `new Function` unless told not
 * to, and probes for that when the protocol's schemas are built, at module evaluation. The console's
 * CSP forbids eval, so the probe fails (harmlessly) but is reported as a CSP violation on every
 * load. `jitless` skips the probe; this module must be evaluated before `@parley/protocol`.
 */
import { config } from 'zod';

config({ jitless: true });
