// A real SMTP server on loopback for tests: it accepts every mail, parses it and keeps
// it (in memory, and as JSON lines in `mailboxFile` so other processes can read it).
import { appendFileSync } from 'node:fs'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from './ferretdb.mjs'

export async function startSmtpSink({ mailboxFile } = {}) {
  const mails = []
  const server = new SMTPServer({
    // Plain SMTP on 127.0.0.1: no TLS certificate to trust, no credentials.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = {
            to: session.envelope.rcptTo.map(recipient => recipient.address.toLowerCase()),
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            receivedAt: new Date().toISOString(),
          }
          mails.push(mail)
          if (mailboxFile) appendFileSync(mailboxFile, `${JSON.stringify(mail)}\n`)
          callback()
        })
        .catch(callback)
    },
  })
  const port = await freePort()
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop: () => new Promise(resolve => server.close(resolve)),
  }
}
