import type { OutgoingMail } from '../mail/mailer';

const ROLE_NAMES = { owner: 'an owner', admin: 'an admin', agent: 'an agent' } as const;

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').trim();
}

/** Plain text only. The link is the only way in; it works once, until it expires. */
export function invitationMail(i: {
  to: string;
  inviterName: string;
  role: keyof typeof ROLE_NAMES;
  url: string;
  expiresAt: number;
}): OutgoingMail {
  const inviter = oneLine(i.inviterName);
  const until = new Date(i.expiresAt).toISOString().slice(0, 16).replace('T', ' ');
  return {
    to: i.to,
    subject: `${inviter} invited you to Parley`,
    text: [
      `${inviter} invited you to answer chats on Parley as ${ROLE_NAMES[i.role]}.`,
      '',
      'Choose your name and password here (the link works once, until ' + until + ' UTC):',
      i.url,
      '',
      '--',
      'If you did not expect this invitation, you can ignore this e-mail: nothing happens without the link.',
      '',
    ].join('\n'),
  };
}
