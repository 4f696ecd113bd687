import { request } from 'node:http'
import type { RunningServer } from '../../scripts/lib/stack.mjs'

/**
 * A JSON POST whose body the caller sends later (`req.end(body)`): a request that is in
 * flight when the server is told to stop. `accepted` resolves once the server took it.
 */
export function openSlowRequest(url: string) {
  let req!: ReturnType<typeof request>
  const response = new Promise<{ status: number, body: string }>((resolve, reject) => {
    req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'expect': '100-continue' } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
  // Node's server answers 100 Continue as it hands the request to the app.
  const accepted = new Promise<void>(resolve => req.once('continue', () => resolve()))
  req.flushHeaders()
  return { req, response, accepted }
}

export type LogEntry = Record<string, unknown>

/** Waits for a JSON log line of the server that `match` accepts. */
export async function waitForLogLine(server: RunningServer, match: (entry: LogEntry) => boolean, timeoutMs = 10_000): Promise<LogEntry> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const line of server.logs().split('\n')) {
      if (!line.startsWith('{')) continue
      try {
        const entry = JSON.parse(line) as LogEntry
        if (match(entry)) return entry
      }
      catch {
        // a line still being written
      }
    }
    if (Date.now() > deadline) throw new Error('log line not found')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
