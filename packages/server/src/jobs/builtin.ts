import type { AppContext } from '../shared/context';
import type { FileStorage } from '../files/storage';
import { deleteUnattachedFiles } from '../files/actions';
import { deleteExpiredSessions } from '../auth/actions';
import { wakeSnoozedConversations } from '../conversations/triage';
import { purgeExpiredConversations } from '../privacy/retention';
import type { JobDefinition } from './runner';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The cluster's periodic jobs: each runs on one node at a time, on whichever is free when it is
 * due. Adding one is adding a line here.
 */
export function builtinJobs(ctx: AppContext, deps: { storage: FileStorage }): JobDefinition[] {
  return [
    { name: 'sessions.expire', everyMs: HOUR, run: () => deleteExpiredSessions(ctx) },
    {
      name: 'conversations.wake',
      everyMs: 15 * SECOND,
      run: (signal) => wakeSnoozedConversations(ctx, signal),
    },
    {
      name: 'retention.purge',
      everyMs: HOUR,
      run: (signal) => purgeExpiredConversations(ctx, deps.storage, signal),
    },
    {
      name: 'files.cleanup',
      everyMs: HOUR,
      run: (signal) => deleteUnattachedFiles(ctx, deps.storage, signal),
    },
  ];
}
