// M7's baseline: how many argon2id verifies per second this core does with the parameters
// of server/utils/passwords.ts, `concurrency` at a time (libuv's pool runs them), for
// `durationMs`. Prints one JSON line.
import { argon2id, hash, verify } from 'argon2'

const durationMs = Number(process.argv[2] ?? 5_000)
const concurrency = Number(process.argv[3] ?? 4)
const OPTIONS = { type: argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 }
const stored = await hash('benchmark password', OPTIONS)
const deadline = performance.now() + durationMs
let verified = 0
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < deadline) {
    if (await verify(stored, 'benchmark password')) verified++
  }
}))
console.log(JSON.stringify({ verified, perSecond: verified / (durationMs / 1000) }))
