import { isOpenAt } from '@parley/protocol';
import type { WidgetConfig } from '@parley/protocol';
import type { ChatMode } from '../shared/shell';

/**
 * What the widget offers at `now`. A visitor in the middle of a conversation keeps the chat
 * whatever the hours say (the team may still answer it). Otherwise outside business hours the
 * site's `outsideHours` applies, and during hours with nobody online its `noAgents`: either the
 * offline form or nothing at all. `Parley.show()`/`open()` turn "nothing" into the offline form.
 */
export function decideMode(
  config: Pick<WidgetConfig, 'hours' | 'outsideHours' | 'noAgents' | 'agentsOnline'>,
  now: number,
  opts: { active: boolean; forced: boolean },
): ChatMode | 'hidden' {
  if (opts.active) return 'chat';
  const behaviour = !isOpenAt(config.hours, now)
    ? config.outsideHours
    : config.agentsOnline
      ? null
      : config.noAgents;
  if (behaviour === null) return 'chat';
  return behaviour === 'offline_form' || opts.forced ? 'offline' : 'hidden';
}
