import type { z } from 'zod';
import type {
  Agent,
  Invitation,
  InvitationCreateRequest,
  InvitationCreatedResponse,
  InvitationPreviewResponse,
} from '@parley/protocol';
import { isUniqueViolation } from '../db/dialect';
import { AppError, forbidden, notFound } from '../shared/errors';
import { hashToken, newId, newToken } from '../shared/crypto';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { AgentActor, AppContext } from '../shared/context';
import { checkAdmin } from '../agents/policies';
import { hashPassword } from '../agents/password';
import { presentAgent } from '../agents/presenters';
import { agentStore, type AgentRow } from '../agents/store';
import { siteStore } from '../sites/store';
import { sessionStore } from '../auth/store';
import { newSession } from '../auth/actions';
import type { Mailer } from '../mail/mailer';
import { doAudit } from '../audit/actions';
import { invitationMail } from './mail';
import { invitationStatus, presentInvitation } from './presenters';
import { invitationStore, type InvitationRow } from './store';

const DAY = 24 * 3600_000;

/** The same answer for every token that cannot be used: unknown, used, revoked or expired. */
const unusable = (): AppError => notFound('invitation (unknown, already used, revoked or expired)');

/** The link the invitee opens: the console's accept screen, the token in the fragment (never sent to servers). */
export function invitationUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/#/invite/${token}`;
}

/**
 * An admin invites someone by e-mail, with a role and sites. The answer carries the one-time link
 * (the server keeps only the token's hash); it is also e-mailed when asked and SMTP is configured.
 * A newer invitation for the same address replaces the pending ones.
 */
export async function createInvitation(
  ctx: AppContext,
  actor: AgentActor,
  input: z.output<typeof InvitationCreateRequest>,
  opts: { mailer: Mailer | null; baseUrl: string },
): Promise<z.output<typeof InvitationCreatedResponse>> {
  checkAdmin(actor);
  if (input.role === 'owner' && actor.role !== 'owner') throw forbidden('only an owner can invite an owner');
  const email = input.email.toLowerCase();
  if (await agentStore.byEmail(ctx.db, email))
    throw new AppError('conflict', 'an agent with this e-mail already exists', 409);
  const siteIds = [...new Set(input.siteIds)];
  for (const id of siteIds)
    if (!(await siteStore.byId(ctx.db, id)))
      throw new AppError('validation_failed', `site ${id} does not exist`, 422);
  const now = ctx.clock.now();
  const token = newToken('pi_');
  const row: InvitationRow = {
    id: newId(),
    token_hash: hashToken(token),
    email,
    role: input.role,
    site_ids: JSON.stringify(siteIds),
    invited_by: actor.id,
    created_at: now,
    expires_at: now + input.expiresInDays * DAY,
    accepted_at: null,
    agent_id: null,
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const replaced = await invitationStore.revokePendingFor(trx, email, now);
    await invitationStore.insert(trx, row);
    await doAudit(trx, actor, now, {
      action: 'invitation.created',
      target: { kind: 'invitation', id: row.id },
      details: { role: row.role, siteIds, expiresAt: iso(row.expires_at), replaced },
    });
  });
  const url = invitationUrl(opts.baseUrl, token);

  let emailError: 'mail_not_configured' | 'mail_failed' | null = null;
  if (input.sendEmail) {
    if (!opts.mailer) emailError = 'mail_not_configured';
    else {
      try {
        await opts.mailer.send(
          invitationMail({
            to: email,
            inviterName: actor.name,
            role: row.role,
            url,
            expiresAt: row.expires_at,
          }),
        );
      } catch (e) {
        ctx.log.warn(
          { err: e instanceof Error ? e.message : String(e), invitation: row.id },
          'invitation mail failed',
        );
        emailError = 'mail_failed';
      }
    }
  }
  return {
    invitation: presentInvitation({ ...row, inviter_name: actor.name }, now),
    token,
    url,
    emailed: input.sendEmail && emailError === null,
    emailError,
  };
}

export async function listInvitations(ctx: AppContext, actor: AgentActor): Promise<Invitation[]> {
  checkAdmin(actor);
  const now = ctx.clock.now();
  return (await invitationStore.recent(ctx.db, now)).map((r) => presentInvitation(r, now));
}

/** A pending invitation stops working at once; others cannot be revoked (409). */
export async function revokeInvitation(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  checkAdmin(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await invitationStore.byId(trx, id);
    if (!row) throw notFound('invitation');
    if (row.role === 'owner' && actor.role !== 'owner')
      throw forbidden('only an owner can revoke an owner’s invitation');
    if (!(await invitationStore.revoke(trx, id, now)))
      throw new AppError('conflict', `the invitation is ${invitationStatus(row, now)}, not pending`, 409);
    await doAudit(trx, actor, now, { action: 'invitation.revoked', target: { kind: 'invitation', id } });
  });
}

async function usable(ctx: AppContext, token: string, now: number) {
  const row = await invitationStore.byTokenHash(ctx.db, hashToken(token));
  if (!row || invitationStatus(row, now) !== 'pending') throw unusable();
  return row;
}

/** What the invitee is shown before choosing a name and password. */
export async function previewInvitation(
  ctx: AppContext,
  token: string,
): Promise<z.output<typeof InvitationPreviewResponse>> {
  const row = await usable(ctx, token, ctx.clock.now());
  return {
    email: row.email,
    role: row.role,
    invitedByName: row.inviter_name,
    expiresAt: iso(row.expires_at),
  };
}

/**
 * The invitee accepts: the agent is created with the invited address, role and sites (those that
 * still exist) and the chosen name and password, the invitation is used up (one conditional UPDATE:
 * two accepts racing create one agent), and the new agent is signed in.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; name: string; password: string },
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; csrfToken: string; agent: Agent }> {
  const now = ctx.clock.now();
  const invitation = await usable(ctx, input.token, now);
  const passwordHash = await hashPassword(input.password);
  const wanted = parseJsonColumn<string[]>(invitation.site_ids, []);
  const siteIds: string[] = [];
  for (const id of wanted) if (await siteStore.byId(ctx.db, id)) siteIds.push(id);
  const agent: AgentRow = {
    id: newId(),
    email: invitation.email,
    name: input.name,
    password_hash: passwordHash,
    role: invitation.role,
    status: 'offline',
    max_chats: 5,
    avatar_url: null,
    avatar_key: null,
    active: 1,
    must_change_password: 0,
    failed_logins: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  const started = newSession(agent.id, meta, now);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await agentStore.insert(trx, agent);
      if (!(await invitationStore.accept(trx, invitation.id, agent.id, now))) throw unusable();
      await agentStore.setSites(trx, agent.id, siteIds);
      await sessionStore.insert(trx, started.session);
      await doAudit(trx, null, now, {
        action: 'invitation.accepted',
        target: { kind: 'agent', id: agent.id },
        details: { invitationId: invitation.id, role: agent.role, siteIds },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('conflict', 'an agent with this e-mail already exists', 409);
    throw e;
  }
  return { token: started.token, csrfToken: started.csrfToken, agent: presentAgent(agent, siteIds) };
}
