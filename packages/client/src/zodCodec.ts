import { decodeServerFrame, formatIssues, Send } from '@parley/protocol';
import type { FrameCodec } from './codec';

/** The protocol's zod schemas: every field of every frame checked, as the server checks its input. */
export const zodCodec: FrameCodec = {
  decodeServerFrame,
  checkSend(frame) {
    const check = Send.safeParse(frame);
    return check.success ? null : formatIssues(check.error);
  },
};
