import { createServer } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'

// sendMail "never throws", and what it logs about a failure is the error's code, never its
// message: nodemailer quotes the SMTP URL, password included, in some of its errors. Before,
// a transport that could not be made became an unhandled rejection that Node printed whole.

const PASSWORD = 'Hunter2-SMTP-Pass'
const MAIL = { to: 'ann@example.com', subject: 'Verify your address', text: 'Open the link.', link: 'http://localhost:3000/verify-email?token=t0k3n' }

/** Everything the server wrote to stdout and stderr while `work` ran. */
async function output(work: () => Promise<void>): Promise<string> {
  let written = ''
  const capture = (chunk: unknown) => {
    written += String(chunk)
    return true
  }
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture)
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture)
  try {
    await work()
  }
  finally {
    err.mockRestore()
    out.mockRestore()
  }
  return written
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/** mail.ts and its configuration, fresh (the transport is made once per module). */
async function freshMail(smtpUrl: string) {
  vi.resetModules()
  const { loadServerConfig } = await import('../../server/utils/config')
  loadServerConfig({ smtpUrl })
  return import('../../server/utils/mail')
}

afterEach(() => {
  vi.doUnmock('nodemailer')
  vi.resetModules()
})

describe('sendMail', () => {
  it('does not throw, nor log the URL, when the transport cannot be made', async () => {
    const url = `smtps://mailer:${PASSWORD}@smtp.example.com:465`
    vi.doMock('nodemailer', () => ({
      default: { createTransport: () => { throw new TypeError(`Cannot create property 'mailer' on string '${url}'`) } },
    }))
    const { sendMail } = await freshMail(url)
    const log = await output(() => sendMail(MAIL))
    expect(log).toContain('mail delivery failed')
    expect(log).not.toContain(PASSWORD)
    expect(log).not.toContain('smtp.example.com')
  })

  it('logs a refused delivery with the error\'s code and no password', async () => {
    const { sendMail } = await freshMail(`smtp://mailer:${PASSWORD}@127.0.0.1:${await closedPort()}`)
    const log = await output(() => sendMail(MAIL))
    expect(log).toMatch(/mail delivery failed .*error=Error E[A-Z]+ code=E[A-Z]+/)
    expect(log).not.toContain(PASSWORD)
  })
})
