import type { Invitation } from '@parley/protocol';
import { iso, isoOrNull } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { InvitationRow, InvitationWithInviter } from './store';

export function invitationStatus(row: InvitationRow, now: number): Invitation['status'] {
  if (row.accepted_at !== null) return 'accepted';
  if (row.revoked_at !== null) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

/** As admins see it; the token is never shown again (only its hash is kept). */
export function presentInvitation(row: InvitationWithInviter, now: number): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    siteIds: parseJsonColumn<string[]>(row.site_ids, []),
    status: invitationStatus(row, now),
    invitedBy: row.invited_by === null ? null : { id: row.invited_by, name: row.inviter_name ?? '' },
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    acceptedAt: isoOrNull(row.accepted_at),
    agentId: row.agent_id,
  };
}
