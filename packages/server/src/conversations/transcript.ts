import type { AppContext, VisitorActor } from '../shared/context';
import { AppError } from '../shared/errors';
import { parseJsonColumn } from '../shared/json';
import { siteStore } from '../sites/store';
import { readSettings } from '../sites/settings';
import { MailError, type Mailer } from '../mail/mailer';
import { mailStore } from '../mail/store';
import { checkConversation } from './policies';
import { conversationStore, type MessageWithAuthor } from './store';

/**
 * A transcript goes to any address the visitor types, with text the visitor wrote: a way to send
 * spam through the site's mail server if unlimited. The limits are counted in the database
 * (mail_log), so they hold across nodes and restarts.
 */
export const TRANSCRIPT_LIMITS = {
  perVisitorPerDay: 5,
  perSitePerHour: 100,
  /** Longer conversations are cut (the mail says so). */
  maxMessages: 2000,
} as const;

const HOUR = 3_600_000;
const PAGE = 500;

/** E-mail the visitor-visible part of one of the visitor's conversations (never private notes). */
export async function sendTranscript(
  ctx: AppContext,
  mailer: Mailer | null,
  actor: VisitorActor,
  conversationId: string,
  to: string,
): Promise<{ messages: number }> {
  if (!mailer)
    throw new AppError('mail_not_configured', 'this server cannot send e-mail (no SMTP_URL configured)', 501);
  const conv = await checkConversation(ctx.db, actor, conversationId);
  const site = await siteStore.byId(ctx.db, conv.site_id);
  if (!site) throw new AppError('not_found', 'site not found', 404);
  const now = ctx.clock.now();

  // Recorded first, then counted: concurrent requests see each other's attempts.
  const logId = await mailStore.insert(ctx.db, {
    site_id: conv.site_id,
    visitor_id: actor.id,
    conversation_id: conv.id,
    kind: 'transcript',
    recipient: to,
    status: 'pending',
    error: null,
    at: now,
  });
  const [byVisitor, bySite] = await Promise.all([
    mailStore.countSince(ctx.db, { visitorId: actor.id }, now - 24 * HOUR),
    mailStore.countSince(ctx.db, { siteId: conv.site_id }, now - HOUR),
  ]);
  if (byVisitor > TRANSCRIPT_LIMITS.perVisitorPerDay || bySite > TRANSCRIPT_LIMITS.perSitePerHour) {
    await mailStore.remove(ctx.db, logId);
    throw new AppError('rate_limited', 'too many transcripts requested; try again later', 429);
  }

  const messages = await visibleMessages(ctx, conv.id);
  const settings = readSettings(parseJsonColumn<unknown>(site.settings, {}));
  const text = renderTranscript({
    siteName: site.name,
    timeZone: settings.hours.timeZone,
    startedAt: conv.created_at,
    messages,
    truncated: messages.length >= TRANSCRIPT_LIMITS.maxMessages,
  });
  try {
    await mailer.send({ to, subject: `Your conversation with ${oneLine(site.name)}`, text });
  } catch (e) {
    const reason = e instanceof MailError ? e.message : String(e);
    await mailStore.finish(ctx.db, logId, 'failed', reason.slice(0, 500));
    ctx.log.warn({ err: reason, conversationId }, 'transcript mail failed');
    throw new AppError('mail_failed', 'the mail server did not accept the transcript; try again later', 502);
  }
  await mailStore.finish(ctx.db, logId, 'sent', null);
  return { messages: messages.length };
}

async function visibleMessages(ctx: AppContext, conversationId: string): Promise<MessageWithAuthor[]> {
  const out: MessageWithAuthor[] = [];
  let after = 0;
  while (out.length < TRANSCRIPT_LIMITS.maxMessages) {
    const limit = Math.min(PAGE, TRANSCRIPT_LIMITS.maxMessages - out.length);
    const page = await conversationStore.messagesAfter(ctx.db, conversationId, after, limit, false);
    out.push(...page);
    const last = page.at(-1);
    if (!last || page.length < limit) break;
    after = last.seq;
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').trim();
}

/** Plain text only: nothing in the mail is interpreted as markup. */
export function renderTranscript(t: {
  siteName: string;
  timeZone: string;
  startedAt: number;
  messages: readonly MessageWithAuthor[];
  truncated: boolean;
}): string {
  const dateTime = new Intl.DateTimeFormat('en-GB', {
    timeZone: t.timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: t.timeZone, timeStyle: 'short' });
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: t.timeZone, dateStyle: 'full' });
  const lines = [
    `Your conversation with ${oneLine(t.siteName)}`,
    `Started ${dateTime.format(t.startedAt)} (${t.timeZone})`,
  ];
  let currentDay = '';
  for (const m of t.messages) {
    // A line per day, so that times are never ambiguous in a conversation spanning several days.
    const d = day.format(m.created_at);
    if (d !== currentDay) lines.push('', d, '');
    currentDay = d;
    const files = parseJsonColumn<{ name: string }[]>(m.attachments, []).map((a) => `    [file] ${a.name}`);
    if (m.author_kind === 'system') {
      lines.push(`[${time.format(m.created_at)}] -- ${m.body} --`);
      continue;
    }
    const who =
      m.author_kind === 'visitor' ? 'You' : (m.author_name ?? (m.author_kind === 'bot' ? 'Bot' : 'Agent'));
    const [first = '', ...rest] = m.body.split(/\r?\n/);
    lines.push(
      `[${time.format(m.created_at)}] ${who}:${first === '' ? '' : ' ' + first}`,
      ...rest.map((l) => `    ${l}`),
      ...files,
    );
  }
  if (t.truncated) lines.push('', '(The conversation is longer; this copy holds its first part.)');
  lines.push(
    '',
    '--',
    `Sent because someone asked for this transcript in the chat on ${oneLine(t.siteName)}.`,
    'If that was not you, you can ignore this e-mail.',
  );
  return lines.join('\n') + '\n';
}
