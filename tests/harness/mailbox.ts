import { existsSync, readFileSync } from 'node:fs'
import type { ReceivedMail } from '../../scripts/lib/smtp-sink.mjs'

// Reads the mails a test server sent, from an in-process SMTP sink (`sink.mails`) or from
// the shared stack's mailbox file (PARLEY_TEST_MAILBOX, one JSON line per mail).

export type MailSource = string | { mails: ReceivedMail[] }

function readMails(source: MailSource): ReceivedMail[] {
  if (typeof source !== 'string') return source.mails
  if (!source || !existsSync(source)) return []
  return readFileSync(source, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as ReceivedMail)
}

/** Waits (polling, generous deadline) for a mail to `to` whose subject matches. */
export async function waitForMail(source: MailSource, to: string, subject: RegExp = /./, { timeoutMs = 20_000, skip = 0 } = {}): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const matching = readMails(source).filter(mail => mail.to.includes(to.toLowerCase()) && subject.test(mail.subject))
    if (matching.length > skip) return matching[skip]!
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

export function mailsTo(source: MailSource, to: string): ReceivedMail[] {
  return readMails(source).filter(mail => mail.to.includes(to.toLowerCase()))
}

/** The first link in a mail's text that starts with `prefix` (e.g. APP_URL/verify-email). */
export function linkIn(mail: ReceivedMail, pathPrefix: string): URL {
  const match = mail.text.match(/https?:\/\/\S+/g)?.map(link => new URL(link)).find(url => url.pathname.startsWith(pathPrefix))
  if (!match) throw new Error(`no ${pathPrefix} link in mail "${mail.subject}"`)
  return match
}
