import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'

// A server whose log reader went away (server/plugins/00.log-streams.ts): it answers, idles
// and shuts down as before. Before, every log line became an uncaught exception whose
// report was another line: a core used while idle, and SIGTERM ended in exit code 1.

let server: RunningServer

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri') })
}, 120_000)
afterAll(async () => {
  await server?.stop('SIGKILL')
})

/** The server's CPU time so far (user + system, in clock ticks of 10 ms). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return Number(fields[11]) + Number(fields[12])
}

describe('a server whose stdout and stderr readers are gone', () => {
  it('still answers, stays idle, and shuts down cleanly', async () => {
    server.process.stdout!.destroy()
    server.process.stderr!.destroy()
    // Each writes its request's log line.
    for (const path of ['/api/health', '/api/no/such/route']) expect((await fetch(`${server.baseUrl}${path}`)).status).toBeLessThan(500)
    const pid = server.process.pid!
    const before = cpuTicks(pid)
    await new Promise(resolve => setTimeout(resolve, 2_000))
    // Idle: well under half of one core over those 2 s (the loop took all it was given).
    expect(cpuTicks(pid) - before).toBeLessThan(100)
    server.process.kill('SIGTERM')
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})
