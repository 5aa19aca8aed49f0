import type { Message } from '@parley/protocol';
import { notFound } from '../shared/errors';
import type { AgentActor, AppContext } from '../shared/context';
import { canAccessSite } from '../agents/policies';
import { visitorStore } from '../visitors/store';
import { doSend, newConversationRow, notifyConversation, notifyMessage } from './actions';
import { presentMessage } from './presenters';
import { conversationStore, type ConversationRow } from './store';

export interface ProactiveResult {
  conversation: ConversationRow;
  message: Message;
  created: boolean;
  duplicate: boolean;
}

/**
 * An agent writes to a visitor on the site first. The message goes into the visitor's conversation
 * that is not closed, or starts one (source `proactive`, assigned to the agent, in the visitor's
 * chosen department). One commit like any send: idempotent by clientMsgId — a retry finds the
 * stored message and returns it, whatever happened to the conversation since. The visitor's widget
 * receives the conversation and the message as live frames.
 */
export async function sendProactiveMessage(
  ctx: AppContext,
  actor: AgentActor,
  visitorId: string,
  input: { clientMsgId: string; body: string; attachmentIds?: readonly string[] | undefined },
): Promise<ProactiveResult> {
  const visitor = await visitorStore.byId(ctx.db, visitorId);
  if (!visitor || !canAccessSite(actor, visitor.site_id)) throw notFound('visitor');
  const r = await ctx.commits.run(async (trx) => {
    const now = ctx.clock.now();
    const earlier = await conversationStore.messageByClientId(trx, 'agent', actor.id, input.clientMsgId);
    let conversationId = earlier?.conversation_id;
    let created = false;
    if (conversationId === undefined) {
      const open = await conversationStore.openForVisitor(trx, visitor.id);
      if (open) conversationId = open.id;
      else {
        const conv = newConversationRow(
          { siteId: visitor.site_id, visitorId: visitor.id, departmentId: visitor.department_id },
          'proactive',
          actor.id,
          now,
        );
        // A visitor starting a chat at the same moment wins the one-open-conversation index; the
        // group committer then runs this again and the message goes into that conversation.
        await conversationStore.insert(trx, conv);
        conversationId = conv.id;
        created = true;
      }
    }
    const sent = await doSend(trx, actor, { ...input, conversationId }, now);
    return { ...sent, created };
  });
  const message = presentMessage(r.row, actor.name);
  if (!r.duplicate) {
    if (r.created) notifyConversation(ctx, r.conv, 'created');
    else if (r.change) notifyConversation(ctx, r.conv, r.change);
    notifyMessage(ctx, r.conv, message);
    ctx.metrics.messages.inc({ author: 'agent' });
  }
  return { conversation: r.conv, message, created: r.created, duplicate: r.duplicate };
}
