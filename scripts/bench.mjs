// `npm run bench`: Parley's production build on its embedded database, measured against
// a raw `ws` broadcast server (scripts/bench/baseline-server.mjs) in the same run, with
// the same client code (scripts/bench/load.mjs) and 100-byte messages. Server side pinned
// to core 0, the load generator to the other cores (`taskset`, where available); each
// pair warmed up, then run at least three times interleaved; medians reported. Writes
// docs/benchmarks.json and the results section of docs/benchmarks.md.
//
// `npm run bench -- --quick`: about a minute, a smaller load (M1, M3 and M5), one check:
// every message acked and delivered exactly once to every socket of its chat on both
// servers, and every dropped socket caught up with nothing lost or repeated (exit 1
// otherwise). `--only=M1,M4` runs some of the measurements, `--scale=0.2` all of them
// smaller and shorter (scripts/bench/plan.mjs). A benchmark, not a test: the speed
// targets are reported, never asserted.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVER_ENTRY, build, startDatabase, startServer, ROOT } from './lib/stack.mjs'
import { measureCapacity, measureMemory } from './bench/capacity.mjs'
import { measureDataSize } from './bench/data-size.mjs'
import { measureInstances } from './bench/instances.mjs'
import { measureLogins } from './bench/logins.mjs'
import { pairRunner } from './bench/pairs.mjs'
import { parseArguments } from './bench/plan.mjs'
import { joinGuests, population, socketSpecs } from './bench/population.mjs'
import { machine, pinServerSide, startBaseline, startLoadGenerator } from './bench/processes.mjs'
import { writeReport } from './bench/report.mjs'
import { measureReconnectStorm } from './bench/storm.mjs'

const { quick, scale, ids, official, plan: PLAN, sendDelayTarget } = parseArguments(process.argv.slice(2))
const wanted = (...some) => some.some(id => ids.includes(id))
const log = message => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`)

// Limits opened for the load (one person sends many messages; the set-up signs up
// thousands of guests from one address); the overload gate and the hashing queue keep
// their defaults, since how they refuse is part of what is measured. `--quick` is CI's
// correctness check, where no send may be refused: the send delay bound, which refuses
// when sends are slow, whatever the reason (a loaded CI machine), is off there.
const SERVER_ENV = {
  NUXT_LIMITS_SEND_RATE: '1000000',
  NUXT_LIMITS_SEND_BURST: '1000000',
  NUXT_LIMITS_SIGNUPS_PER_IP: '100000000',
  NUXT_LIMITS_PASSWORD_HASH_QUEUE: '',
  NUXT_LIMITS_SEND_DELAY_TARGET_MS: sendDelayTarget ?? (quick ? '0' : ''),
  NUXT_LOG_LEVEL: 'warn',
}

/** How far past M1's small-chat rate the overload run offers (5 x 200 = 1,000 msg/s, M2's target). */
const OVERLOAD_FACTOR = 5

/**
 * Starts one part of the run; when it fails, stops the parts already running first: their
 * child processes (the database, a server) would otherwise keep the bench waiting forever.
 */
async function startOrStop(start, running) {
  try {
    return await start()
  }
  catch (error) {
    await Promise.all(running.map(part => part.stop()))
    throw error
  }
}

async function main() {
  const host = machine() // before pinning: afterwards this process sees one core
  const loadCores = pinServerSide()
  log(loadCores ? `server side on core 0, load generator on cores ${loadCores}` : 'no pinning (one core or no taskset)')
  log(`measuring ${ids.join(', ')}${quick ? ' (quick)' : scale < 1 ? ` at scale ${scale}` : ''}`)
  if (!existsSync(SERVER_ENTRY)) build({ log })
  const startedAt = new Date()
  const database = await startDatabase()
  const server = await startOrStop(() => startServer({ mongoUri: database.uri, env: SERVER_ENV }), [database])
  const baseline = await startOrStop(startBaseline, [server, database])
  const load = await startOrStop(() => startLoadGenerator(loadCores), [baseline, server, database])
  const parleyWs = `${server.baseUrl.replace('http', 'ws')}/ws`
  // The code measured is the code at the start: edits made while the run goes on are not in it.
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== ''
  const results = { quick, scale, ids, plan: PLAN, machine: host, startedAt: startedAt.toISOString(), commit, dirty, pinned: !!loadCores }
  const failures = []
  const pair = pairRunner({ load, plan: PLAN, log, failures, strict: quick })
  const bothServers = people => ({ parley: socketSpecs(parleyWs, people), baseline: socketSpecs(baseline.url, people) })

  // The M1 small-chat population, made once for every measurement that uses it.
  let small = null
  const smallPeople = async () => {
    if (!small) {
      log(`people: ${PLAN.small.chats} chats of ${PLAN.small.perChat}`)
      small = await population(server.baseUrl, PLAN.small)
    }
    return small.people
  }

  // Each measurement in turn; one that fails is reported and the others still run.
  const steps = [
    [['M1', 'M3'], 'smallChats', async () => pair('small chats', bothServers(await smallPeople()), { rate: PLAN.small.rate })],
    // Past capacity: the same sockets offered OVERLOAD_FACTOR x M1's rate, Parley alone (the
    // baseline does not refuse). What is accepted must stay fast and be delivered; the rest
    // is refused at once (server/services/messages/send-gate.ts). Not in --quick, which
    // allows no refusal.
    ...(quick ? [] : [[['M1', 'M3'], 'overload', async () => pair('overload', { parley: socketSpecs(parleyWs, await smallPeople()) }, { rate: PLAN.small.rate * OVERLOAD_FACTOR, reps: 1 })]]),
    [['M1'], 'bigChat', async () => {
      log(`people: one chat of ${PLAN.big.perChat}`)
      const big = await population(server.baseUrl, PLAN.big)
      return pair('big chat', bothServers(big.people), { rate: PLAN.big.rate })
    }],
    [['M5'], 'reconnect', async () => {
      // The small chats' people receive; one new member per chat sends (--quick: one of
      // the ten sends, nine receive).
      const people = await smallPeople()
      const senders = quick ? people.slice(0, PLAN.small.chats) : await joinGuests(server.baseUrl, small.chatIds, PLAN.small.chats)
      const receivers = quick ? people.slice(PLAN.small.chats) : people
      return measureReconnectStorm({ load, log, parleyWs, failures, strict: quick, senders, receivers, ...PLAN.storm })
    }],
    [['M2'], 'capacity', async () => measureCapacity({ load, log, people: await smallPeople(), urls: { parley: parleyWs, baseline: baseline.url }, warmupMs: PLAN.warmupMs, stepMs: PLAN.capacityStepMs })],
    [['M4'], 'memory', async () => measureMemory({ load, log, people: await smallPeople(), mongoUri: database.uri, env: SERVER_ENV, perPersonCounts: PLAN.memoryPerPerson })],
    [['M7'], 'logins', async () => measureLogins({ baseUrl: server.baseUrl, load, people: (await smallPeople()).slice(0, 200), parleyWs, stormMs: PLAN.loginStormMs, log })],
    [['M8'], 'instances', async () => measureInstances({ pair, log, mongoUri: database.uri, env: SERVER_ENV, people: await smallPeople(), otherPeople: async () => (await population(server.baseUrl, PLAN.small)).people, chats: PLAN.small.chats, rate: PLAN.instancesRate })],
    // Last: it fills the database with 100,000 messages.
    [['M6'], 'dataSize', () => measureDataSize({ baseUrl: server.baseUrl, mongoUri: database.uri, ...PLAN.dataSize, log })],
  ]
  try {
    for (const [measures, key, run] of steps) {
      if (!wanted(...measures)) continue
      try {
        results[key] = await run()
      }
      catch (error) {
        log(`${measures.join('/')} failed: ${error.stack ?? error}`)
        failures.push(`${measures.join('/')} (${key}) did not finish: ${error.message ?? error}`)
      }
    }
  }
  finally {
    load.stop()
    await baseline.stop()
    await server.stop()
    await database.stop()
  }

  results.finishedAt = new Date().toISOString()
  results.machine.loadAverageAfter = machine().loadAverage
  results.failures = failures
  const jsonFile = official ? join(ROOT, 'docs/benchmarks.json') : join(mkdtempSync(join(tmpdir(), 'parley-bench-')), 'bench.json')
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
  log(`results: ${jsonFile} (load average before ${host.loadAverage?.join(' ')}, after ${results.machine.loadAverageAfter?.join(' ')})`)
  if (official) writeReport(results, join(ROOT, 'docs/benchmarks.md'))
  // Database command counts are not timed here: the tests/db/*-cost tests assert them
  // exactly, in `npm test`.
  log('command counts per hot path: asserted by tests/db/hot-path-cost, chat-list-cost and send-cost (npm test)')
  if (failures.length) {
    for (const failure of failures) console.error(`[bench] FAILED: ${failure}`)
    process.exitCode = 1
  }
  else {
    log('correctness: every message acked and delivered exactly once to every socket of its chat; every dropped socket caught up, nothing lost or repeated')
  }
}

main().catch((error) => {
  console.error(`[bench] ${error.stack ?? error}`)
  process.exitCode = 1
})
