import type { ParleyClientOptions } from './clientOptions';
import { ParleyClientCore } from './ParleyClientCore';
import { zodCodec } from './zodCodec';

/**
 * The client for Node and the console: `ParleyClientCore` with every server frame validated by the
 * protocol's zod schemas. See `ParleyClientCore` for the behaviour.
 */
export class ParleyClient extends ParleyClientCore {
  constructor(options: ParleyClientOptions) {
    super(options, zodCodec);
  }
}
