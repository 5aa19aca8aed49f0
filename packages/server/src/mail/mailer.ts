import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail. The only implementation talks SMTP; tests point it at a real SMTP server on loopback. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Raised when the SMTP server refused the mail or could not be reached. */
export class MailError extends Error {
  override name = 'MailError';
}

/**
 * `SMTP_URL` as nodemailer reads it: `smtp://user:pass@host:587` (STARTTLS when the server offers
 * it), `smtps://user:pass@host:465` (TLS from the start). Anything else is a configuration error.
 */
export function checkSmtpUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('SMTP_URL is not a URL (expected smtp://user:pass@host:587 or smtps://…)');
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//`);
  if (u.hostname === '') throw new Error('SMTP_URL names no host');
}

export function smtpMailer(url: string, from: string): Mailer {
  checkSmtpUrl(url);
  const transport = nodemailer.createTransport({
    url,
    // A mail server that hangs must not hold a visitor's request for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
      } catch (e) {
        throw new MailError(e instanceof Error ? e.message : String(e));
      }
    },
    close() {
      transport.close();
    },
  };
}
