// `npm run bench`: Parley's production build on its embedded database, measured against
// a raw `ws` broadcast server (scripts/bench/baseline-server.mjs) in the same run, with
// the same client code (scripts/bench/load.mjs) and 100-byte messages. Server side pinned
// to core 0, the load generator to the other cores (`taskset`, where available); each
// pair warmed up, then run at least three times interleaved; medians reported. Writes
// docs/benchmarks.json and the results section of docs/benchmarks.md.
//
// `npm run bench -- --quick`: about a minute, a smaller load, one check: every message
// acked and delivered exactly once to every socket of its chat on both servers (exit 1
// otherwise). `--only=M1,M4` runs some of the measurements. A benchmark, not a test:
// the speed targets are reported, never asserted.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVER_ENTRY, build, startDatabase, startServer, ROOT } from './lib/stack.mjs'
import { measureDataSize } from './bench/data-size.mjs'
import { measureLogins } from './bench/logins.mjs'
import { population, socketSpecs } from './bench/population.mjs'
import { machine, pinServerSide, residentBytes, startBaseline, startLoadGenerator } from './bench/processes.mjs'
import { writeReport } from './bench/report.mjs'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const only = argv.find(arg => arg.startsWith('--only='))?.slice(7).split(',')
const wanted = id => (only ? only.includes(id) : true) && (!quick || ['M1', 'M3'].includes(id))
const log = message => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`)

const PLAN = quick
  ? { reps: 1, warmupMs: 2_000, durationMs: 8_000, small: { chats: 20, perChat: 10, rate: 50 }, big: { chats: 1, perChat: 100, rate: 10 } }
  : { reps: 3, warmupMs: 5_000, durationMs: 20_000, small: { chats: 100, perChat: 10, rate: 200 }, big: { chats: 1, perChat: 1_000, rate: 10 } }
const LADDER = [50, 100, 200, 400, 700, 1_000, 1_500, 2_000, 3_000, 5_000]

const median = (values) => {
  const sorted = values.filter(value => typeof value === 'number').sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null
}

/** Medians of the latency figures over the runs; totals of what was lost or duplicated. */
function combine(runs) {
  const pick = path => median(runs.map(run => path.split('.').reduce((value, key) => value?.[key], run)))
  const errors = {}
  for (const run of runs) for (const [code, count] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + count
  return {
    runs: runs.length,
    achievedRate: pick('achievedRate'),
    deliver: { p50: pick('deliver.p50'), p99: pick('deliver.p99'), p999: pick('deliver.p999'), max: pick('deliver.max') },
    ack: { p50: pick('ack.p50'), p99: pick('ack.p99'), p999: pick('ack.p999'), max: pick('ack.max') },
    deliveryRatio: Math.min(...runs.map(run => run.deliveryRatio)),
    sent: runs.reduce((sum, run) => sum + run.sent, 0),
    acked: runs.reduce((sum, run) => sum + run.acked, 0),
    lost: runs.reduce((sum, run) => sum + run.lost, 0),
    duplicated: runs.reduce((sum, run) => sum + run.duplicated, 0),
    unanswered: runs.reduce((sum, run) => sum + run.unanswered, 0),
    errors,
  }
}

async function main() {
  const host = machine() // before pinning: afterwards this process sees one core
  const loadCores = pinServerSide()
  log(loadCores ? `server side on core 0, load generator on cores ${loadCores}` : 'no pinning (one core or no taskset)')
  if (!existsSync(SERVER_ENTRY)) build({ log })
  const startedAt = new Date()
  const database = await startDatabase()
  const server = await startServer({
    mongoUri: database.uri,
    env: { NUXT_LIMITS_SEND_RATE: '1000000', NUXT_LIMITS_SEND_BURST: '1000000', NUXT_LIMITS_SIGNUPS_PER_IP: '100000000', NUXT_LIMITS_PASSWORD_HASH_QUEUE: '', NUXT_LOG_LEVEL: 'warn' },
  })
  const baseline = await startBaseline()
  const load = await startLoadGenerator(loadCores).catch(async (error) => {
    await Promise.all([baseline.stop(), server.stop(), database.stop()])
    throw error
  })
  const parleyWs = `${server.baseUrl.replace('http', 'ws')}/ws`
  const results = { quick, plan: PLAN, machine: host, startedAt: startedAt.toISOString(), pinned: !!loadCores }
  const failures = []

  /** Opens the same people on both servers, warms up, then runs the pair `reps` times interleaved. */
  async function pair(name, people, { rate, durationMs = PLAN.durationMs, reps = PLAN.reps }) {
    const targets = { parley: parleyWs, baseline: baseline.url }
    const opened = {}
    for (const [target, url] of Object.entries(targets)) {
      opened[target] = await load.call('open', { set: `${name}:${target}`, sockets: socketSpecs(url, people) })
      log(`${name}: ${opened[target].opened} sockets open on ${target} in ${opened[target].seconds.toFixed(1)} s`)
      if (opened[target].opened !== people.length) failures.push(`${name}: ${target} opened ${opened[target].opened} of ${people.length} sockets ${JSON.stringify(opened[target].failures)}`)
    }
    const runs = { parley: [], baseline: [] }
    for (const target of Object.keys(targets)) await load.call('send', { set: `${name}:${target}`, rate, durationMs: PLAN.warmupMs })
    for (let rep = 0; rep < reps; rep++) {
      for (const target of rep % 2 ? ['baseline', 'parley'] : ['parley', 'baseline']) {
        const run = await load.call('send', { set: `${name}:${target}`, rate, durationMs })
        runs[target].push(run)
        log(`${name} ${target} #${rep + 1}: deliver p50 ${run.deliver.p50} p99 ${run.deliver.p99} ms, ack p99 ${run.ack.p99} ms, delivered ${run.delivered}/${run.expected}${run.duplicated ? `, ${run.duplicated} duplicated` : ''}${Object.keys(run.errors).length ? ` errors ${JSON.stringify(run.errors)}` : ''}`)
      }
    }
    for (const target of Object.keys(targets)) await load.call('close', { set: `${name}:${target}` })
    const combined = { parley: combine(runs.parley), baseline: combine(runs.baseline), opened, rate, durationMs }
    for (const target of Object.keys(targets)) {
      const c = combined[target]
      if (c.lost || c.duplicated || c.unanswered || c.deliveryRatio !== 1 || c.acked !== c.sent) failures.push(`${name} on ${target}: ${c.acked}/${c.sent} acked, ${c.lost} lost, ${c.duplicated} duplicated, ${c.unanswered} unanswered, errors ${JSON.stringify(c.errors)}`)
    }
    return combined
  }

  try {
    if (wanted('M1') || wanted('M2') || wanted('M3') || wanted('M4') || wanted('M7')) {
      log(`people: ${PLAN.small.chats} chats of ${PLAN.small.perChat}`)
      const small = await population(server.baseUrl, PLAN.small)
      if (wanted('M1') || wanted('M3')) {
        results.smallChats = await pair('small chats', small.people, { rate: PLAN.small.rate })
        log(`people: one chat of ${PLAN.big.perChat}`)
        const big = await population(server.baseUrl, PLAN.big)
        results.bigChat = await pair('big chat', big.people, { rate: PLAN.big.rate })
      }
      if (wanted('M2')) results.capacity = await capacity(small.people)
      if (wanted('M4')) results.memory = await memory(small.people)
      if (wanted('M7')) results.logins = await measureLogins({ baseUrl: server.baseUrl, load, people: small.people.slice(0, 200), parleyWs, log })
    }
    if (wanted('M6')) results.dataSize = await measureDataSize({ baseUrl: server.baseUrl, mongoUri: database.uri, sizes: [1_000, 100_000], chatCounts: [30, 500], runs: 30, log })
  }
  finally {
    load.stop()
    await baseline.stop()
    await server.stop()
    await database.stop()
  }

  /** M2: the highest rate, up the ladder, with p99 <= 100 ms and everything delivered. */
  async function capacity(people) {
    const found = {}
    for (const [target, url] of Object.entries({ parley: parleyWs, baseline: baseline.url })) {
      const set = `capacity:${target}`
      await load.call('open', { set, sockets: socketSpecs(url, people) })
      await load.call('send', { set, rate: LADDER[0], durationMs: PLAN.warmupMs })
      const steps = []
      for (const rate of LADDER) {
        const run = await load.call('send', { set, rate, durationMs: target === 'parley' ? 30_000 : 10_000, drainMs: 5_000 })
        const ok = run.deliver.p99 <= 100 && run.deliveryRatio === 1 && run.acked === run.sent && run.achievedRate >= rate * 0.95
        steps.push({ rate, ok, achievedRate: run.achievedRate, p99: run.deliver.p99, deliveryRatio: run.deliveryRatio, errors: run.errors })
        log(`capacity ${target} at ${rate} msg/s: p99 ${run.deliver.p99} ms, delivered ${run.delivered}/${run.expected} ${ok ? 'ok' : 'over'}`)
        if (!ok) break
      }
      await load.call('close', { set })
      found[target] = { sustained: steps.filter(step => step.ok).at(-1)?.rate ?? 0, steps }
      await settle()
    }
    return found
  }

  /** M4: resident memory per idle authenticated socket at 2,000 and 5,000 sockets. */
  async function memory(people) {
    const figures = []
    for (const perPerson of [2, 5]) {
      for (const [target, url, pid] of [['parley', parleyWs, server.process.pid], ['baseline', baseline.url, baseline.pid]]) {
        await settle()
        const before = residentBytes(pid)
        const set = `idle:${target}`
        const opened = await load.call('open', { set, sockets: socketSpecs(url, people, perPerson) })
        await new Promise(r => setTimeout(r, 3_000))
        const after = residentBytes(pid)
        await load.call('close', { set })
        const perSocket = (after - before) / opened.opened
        figures.push({ target, sockets: opened.opened, openSeconds: opened.seconds, opensPerSecond: opened.perSecond, bytesPerSocket: Math.round(perSocket), socketsPerGiB: Math.round(2 ** 30 / perSocket) })
        log(`memory ${target}: ${opened.opened} idle sockets, ${(perSocket / 1024).toFixed(1)} KiB each, opened at ${opened.perSecond.toFixed(0)}/s`)
      }
    }
    return figures
  }

  async function settle() {
    await new Promise(r => setTimeout(r, 2_000))
  }

  results.finishedAt = new Date().toISOString()
  results.commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  results.dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== ''
  results.machine.loadAverageAfter = machine().loadAverage
  results.failures = failures
  const jsonFile = quick ? join(mkdtempSync(join(tmpdir(), 'parley-bench-')), 'bench.json') : join(ROOT, 'docs/benchmarks.json')
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
  log(`results: ${jsonFile}`)
  if (!quick) writeReport(results, join(ROOT, 'docs/benchmarks.md'))
  if (failures.length) {
    for (const failure of failures) console.error(`[bench] FAILED: ${failure}`)
    process.exitCode = 1
  }
  else {
    log('correctness: every message acked and delivered exactly once to every socket of its chat')
  }
}

main().catch((error) => {
  console.error(`[bench] ${error.stack ?? error}`)
  process.exitCode = 1
})
