import { describe, expect, it } from 'vitest';
import { checkSmtpUrl } from '../src/mail/mailer';
import { defaultMailFrom } from '../src/config';
import { renderTranscript } from '../src/conversations/transcript';

describe('mail configuration', () => {
  it('accepts smtp:// and smtps:// URLs and names what is wrong with others', () => {
    expect(() => checkSmtpUrl('smtp://user:pass@mail.example:587')).not.toThrow();
    expect(() => checkSmtpUrl('smtps://mail.example:465')).not.toThrow();
    expect(() => checkSmtpUrl('http://mail.example')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => checkSmtpUrl('mail.example:25')).toThrow(/SMTP_URL/);
    expect(() => checkSmtpUrl('not a url')).toThrow(/not a URL/);
  });

  it('defaults the sender to parley@ the public host', () => {
    expect(defaultMailFrom({ publicUrl: 'https://chat.shop.example/' })).toBe(
      'Parley <parley@chat.shop.example>',
    );
    expect(defaultMailFrom({ publicUrl: undefined })).toBe('Parley <parley@localhost>');
  });
});

describe('transcript text', () => {
  const at = Date.UTC(2026, 0, 31, 22, 30);
  const base = { conversation_id: 'c', private: 0, attachments: '[]', client_msg_id: null };
  const msg = (
    seq: number,
    kind: 'visitor' | 'agent' | 'system',
    body: string,
    minutes: number,
    name: string | null = null,
  ) => ({
    ...base,
    id: `m${String(seq)}`,
    seq,
    author_kind: kind,
    author_id: kind === 'system' ? null : 'x',
    author_name: name,
    body,
    created_at: at + minutes * 60_000,
  });

  it('is plain text in the site’s time zone, a line per day, files by name, a line break kept', () => {
    const text = renderTranscript({
      siteName: 'Shop\r\nBcc: victim@example.com',
      timeZone: 'Europe/Budapest',
      startedAt: at,
      messages: [
        msg(1, 'visitor', 'Hello\nsecond line', 0),
        { ...msg(2, 'agent', '', 5, 'Anna'), attachments: JSON.stringify([{ name: 'invoice.pdf' }]) },
        msg(3, 'system', 'Anna closed the conversation', 50),
      ],
      truncated: false,
    });
    expect(text).toContain('Your conversation with Shop Bcc: victim@example.com\n');
    expect(text).toMatch(/Saturday,? 31 January 2026/);
    expect(text).toContain('[23:30] You: Hello\n    second line');
    expect(text).toContain('[23:35] Anna:\n    [file] invoice.pdf');
    // Past midnight in Budapest: a new day line.
    expect(text).toMatch(/Sunday,? 1 February 2026\n\n\[00:20\] -- Anna closed the conversation --/);
    expect(text).not.toContain('<');
  });
});
