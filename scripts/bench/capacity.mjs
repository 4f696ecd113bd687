// M2 and M4 of `npm run bench`, measured with the M1 small-chat population: the highest
// sustained message rate, and the server's memory per idle authenticated socket.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../lib/stack.mjs'
import { residentBytes, startBaseline } from './processes.mjs'
import { socketSpecs } from './population.mjs'

// Fine at the bottom, where one instance on a small machine is (about 200-300 msg/s with
// its engine on the same core): a step of 2x there would report 200 for a capacity of 350.
export const LADDER = [25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 700, 1_000, 1_500, 2_000, 3_000, 5_000]

const COLLECT_GARBAGE = fileURLToPath(new URL('./collect-garbage.mjs', import.meta.url))
const GC_TIMEOUT_MS = 30_000

export const settle = () => new Promise(r => setTimeout(r, 2_000))

/**
 * M2: up the ladder, `stepMs.parley` per step on Parley and `stepMs.baseline` on the
 * baseline, until a step misses p99 <= 100 ms, full delivery, or the offered rate.
 */
export async function measureCapacity({ load, log, people, urls, warmupMs, stepMs }) {
  const found = {}
  for (const [target, url] of Object.entries(urls)) {
    const set = `capacity:${target}`
    const opened = await load.call('open', { set, sockets: socketSpecs(url, people) })
    log(`M2 ${target}: ${opened.opened} of ${people.length} sockets open${opened.opened < people.length ? ` ${JSON.stringify(opened.failures)}` : ''}`)
    await load.call('send', { set, rate: LADDER[0], durationMs: warmupMs })
    const steps = []
    for (const rate of LADDER) {
      const run = await load.call('send', { set, rate, durationMs: stepMs[target], drainMs: 5_000 })
      const ok = run.deliver.p99 <= 100 && run.deliveryRatio === 1 && run.acked === run.sent && run.achievedRate >= rate * 0.95
      steps.push({ rate, ok, achievedRate: run.achievedRate, p99: run.deliver.p99, deliveryRatio: run.deliveryRatio, errors: run.errors })
      log(`M2 ${target} at ${rate} msg/s: p99 ${run.deliver.p99} ms, delivered ${run.delivered}/${run.expected}${Object.keys(run.errors).length ? ` errors ${JSON.stringify(run.errors)}` : ''} ${ok ? 'ok' : 'over'}`)
      if (!ok) break
    }
    await load.call('close', { set })
    found[target] = { sustained: steps.filter(step => step.ok).at(-1)?.rate ?? 0, stepMs: stepMs[target], steps }
    await settle()
  }
  return found
}

/**
 * M4: resident memory per idle authenticated socket, on a Parley instance and a baseline
 * started for it (a server that carried load keeps its grown heap, so new sockets would
 * reuse memory freed by the load and look cheaper than they are). Each is warmed up
 * (50 sockets opened and closed: code loaded, JIT), then `perPerson` sockets per person
 * are opened cumulatively (2, then 5: 2,000 then 5,000 for 1,000 people). Each figure is the
 * growth over the resident size before the first, divided by the sockets open, after a full
 * garbage collection (./collect-garbage.mjs): what the open sockets hold, not the garbage of
 * their authentications that the next major collection frees. Read 3 s after opening
 * without it (`bytesPerSocketAsOpened`, kept beside it), it moved from 31 to 56 KiB between runs.
 */
export async function measureMemory({ load, log, people, mongoUri, env, perPersonCounts = [2, 5] }) {
  const figures = []
  const gcDir = mkdtempSync(join(tmpdir(), 'parley-bench-gc-'))
  const gcFiles = { parley: join(gcDir, 'parley'), baseline: join(gcDir, 'baseline') }
  const parley = await startServer({ mongoUri, env: { ...env, PARLEY_BENCH_GC_FILE: gcFiles.parley, NODE_OPTIONS: `--import ${COLLECT_GARBAGE}` } })
  const baseline = await startBaseline({ execArgv: ['--import', COLLECT_GARBAGE], env: { PARLEY_BENCH_GC_FILE: gcFiles.baseline } })
  const servers = {
    parley: { url: `${parley.baseUrl.replace('http', 'ws')}/ws`, pid: parley.process.pid, gcFile: gcFiles.parley },
    baseline: { url: baseline.url, pid: baseline.pid, gcFile: gcFiles.baseline },
  }
  try {
    for (const [target, { url, pid, gcFile }] of Object.entries(servers)) {
      const set = `idle:${target}`
      await load.call('open', { set, sockets: socketSpecs(url, people.slice(0, 50)) })
      await load.call('close', { set })
      await settle()
      const before = await residentAfterCollection(pid, gcFile)
      let open = 0
      for (const perPerson of perPersonCounts) {
        const opened = await load.call('open', { set, sockets: socketSpecs(url, people, perPerson - open / people.length) })
        open += opened.opened
        await new Promise(r => setTimeout(r, 3_000))
        const asOpened = (residentBytes(pid) - before) / open
        const perSocket = (await residentAfterCollection(pid, gcFile) - before) / open
        figures.push({ target, sockets: open, openSeconds: opened.seconds, opensPerSecond: opened.perSecond, bytesPerSocket: Math.round(perSocket), socketsPerGiB: Math.round(2 ** 30 / perSocket), bytesPerSocketAsOpened: Math.round(asOpened) })
        log(`M4 ${target}: ${open} idle sockets, ${(perSocket / 1024).toFixed(1)} KiB each after a full collection (${(asOpened / 1024).toFixed(1)} KiB 3 s after opening), opened at ${opened.perSecond.toFixed(0)}/s`)
      }
      await load.call('close', { set })
    }
  }
  finally {
    await Promise.all([parley.stop(), baseline.stop()])
    rmSync(gcDir, { recursive: true, force: true })
  }
  return figures
}

/** The process's resident size once a full garbage collection asked of it is over. */
async function residentAfterCollection(pid, doneFile) {
  const count = () => existsSync(doneFile) ? Number(readFileSync(doneFile, 'utf8')) : 0
  const before = count()
  process.kill(pid, 'SIGUSR2')
  const deadline = performance.now() + GC_TIMEOUT_MS
  while (count() === before) {
    if (performance.now() > deadline) throw new Error(`no garbage collection in process ${pid} within ${GC_TIMEOUT_MS / 1000} s`)
    await new Promise(r => setTimeout(r, 50))
  }
  return residentBytes(pid)
}
