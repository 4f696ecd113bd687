import nodemailer, { type Transporter } from 'nodemailer'
import { errorCode, errorName, logger } from './logger'
import { serverConfig } from './config'

export interface Mail {
  to: string
  subject: string
  text: string
  /** The one link the mail is about (written to the log when there is no SMTP). */
  link: string
}

let transport: Transporter | null | undefined

function smtpTransport(): Transporter | null {
  if (transport !== undefined) return transport
  const { smtpUrl } = serverConfig()
  transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null
  return transport
}

/**
 * Sends a mail over SMTP (NUXT_SMTP_URL). Without SMTP the mail is written to the log
 * (recipient, subject, link), which is how development works without a mail server;
 * in production without SMTP the link is left out of the log, as it is a credential.
 * Never throws: a failed mail is logged and the request that caused it still succeeds.
 */
export async function sendMail(mail: Mail): Promise<void> {
  try {
    // Inside the try: a transport that cannot be made (nodemailer quotes the URL, password
    // and all, in its error) must neither reach the log nor become an unhandled rejection.
    const smtp = smtpTransport()
    if (!smtp) {
      const development = !serverConfig().production
      logger.info('mail (no SMTP configured)', { to: mail.to, subject: mail.subject, ...(development ? { link: mail.link } : {}) })
      return
    }
    await smtp.sendMail({ from: serverConfig().mailFrom, to: mail.to, subject: mail.subject, text: mail.text })
  }
  catch (error) {
    // The code (EAUTH, ECONNECTION, ETIMEDOUT...) says what went wrong; the message may quote the URL.
    logger.error('mail delivery failed', { to: mail.to, subject: mail.subject, error: errorName(error), ...errorCode(error) })
  }
}
