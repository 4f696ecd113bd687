// M7 of `npm run bench`: logins per second against raw argon2 verifies per second on the
// server's core, and the WebSocket delivery p99 of a light chat load without and during a
// login storm (hashing must not block the event loop).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { registerOwner, socketSpecs } from './population.mjs'

export async function measureLogins({ baseUrl, load, people, parleyWs, stormMs, log }) {
  const script = fileURLToPath(new URL('argon2-rate.mjs', import.meta.url))
  // A child of this process, so it runs on the server's core.
  const raw = JSON.parse(execFileSync(process.execPath, [script, '5000', '4'], { encoding: 'utf8' }))
  log(`M7: raw argon2 verifies: ${raw.perSecond.toFixed(1)}/s`)
  const account = await registerOwner(baseUrl)
  const set = 'storm:parley'
  await load.call('open', { set, sockets: socketSpecs(parleyWs, people) })
  await load.call('send', { set, rate: 20, durationMs: 3_000 })
  const quiet = await load.call('send', { set, rate: 20, durationMs: stormMs })
  const [logins, during] = await Promise.all([
    load.call('http', {
      url: `${baseUrl}/api/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: account.username, password: account.password }),
      connections: 8,
      durationMs: stormMs,
    }),
    load.call('send', { set, rate: 20, durationMs: stormMs, drainMs: 20_000 }),
  ])
  await load.call('close', { set })
  log(`M7: ${logins.perSecond.toFixed(1)} logins/s (${JSON.stringify(logins.statusCodes)}); WebSocket p99 ${quiet.deliver.p99} ms quiet, ${during.deliver.p99} ms during the storm`)
  return { rawVerifiesPerSecond: raw.perSecond, sockets: people.length, logins, quiet: { deliver: quiet.deliver, deliveryRatio: quiet.deliveryRatio }, during: { deliver: during.deliver, deliveryRatio: during.deliveryRatio } }
}
