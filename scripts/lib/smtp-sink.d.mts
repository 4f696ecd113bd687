export interface ReceivedMail {
  to: string[]
  from: string
  subject: string
  text: string
  receivedAt: string
}
export interface SmtpSink {
  port: number
  url: string
  mails: ReceivedMail[]
  stop: () => Promise<void>
}
export function startSmtpSink(options?: { mailboxFile?: string }): Promise<SmtpSink>
