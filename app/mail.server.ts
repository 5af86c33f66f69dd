// Outgoing email (alerts to the merchant) over SMTP, through nodemailer. The
// transport is built from SMTP_URL (app/config.server.ts); its credentials stay
// inside nodemailer and are never logged or put in a message.
import nodemailer from "nodemailer";

export interface OutgoingEmail {
  to: string;
  subject: string;
  /** Plain text only: nothing in an alert needs markup, and text cannot hide content. */
  text: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects with a message free of the SMTP credentials. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export function createSmtpMailer(smtp: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(smtp.url);
  const host = new URL(smtp.url).host;
  return {
    async send(email) {
      try {
        await transport.sendMail({ from: smtp.from, to: email.to, subject: email.subject, text: email.text });
      } catch (error) {
        // nodemailer's errors name the server and the SMTP answer, not the password; say which server anyway.
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`the SMTP server ${host} did not accept the email: ${reason.slice(0, 300)}`);
      }
    },
    close() {
      transport.close();
    },
  };
}
