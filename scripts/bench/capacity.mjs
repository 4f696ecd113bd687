// M2 and M4 of `npm run bench`, measured on the M1 small-chat population: the highest
// sustained message rate, and the server's memory per idle authenticated socket.
import { residentBytes } from './processes.mjs'
import { socketSpecs } from './population.mjs'

export const LADDER = [50, 100, 200, 400, 700, 1_000, 1_500, 2_000, 3_000, 5_000]

export const settle = () => new Promise(r => setTimeout(r, 2_000))

/**
 * M2: up the ladder, `stepMs.parley` per step on Parley and `stepMs.baseline` on the
 * baseline, until a step misses p99 <= 100 ms, full delivery, or the offered rate.
 */
export async function measureCapacity({ load, log, people, urls, warmupMs, stepMs }) {
  const found = {}
  for (const [target, url] of Object.entries(urls)) {
    const set = `capacity:${target}`
    await load.call('open', { set, sockets: socketSpecs(url, people) })
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
 * M4: resident memory of each server before and 3 s after opening `perPerson` idle
 * sockets for every person (2 and 5 by default: 2,000 and 5,000 sockets for 1,000 people).
 */
export async function measureMemory({ load, log, people, servers, perPersonCounts = [2, 5] }) {
  const figures = []
  for (const perPerson of perPersonCounts) {
    for (const [target, { url, pid }] of Object.entries(servers)) {
      await settle()
      const before = residentBytes(pid)
      const set = `idle:${target}`
      const opened = await load.call('open', { set, sockets: socketSpecs(url, people, perPerson) })
      await new Promise(r => setTimeout(r, 3_000))
      const after = residentBytes(pid)
      await load.call('close', { set })
      const perSocket = (after - before) / opened.opened
      figures.push({ target, sockets: opened.opened, openSeconds: opened.seconds, opensPerSecond: opened.perSecond, bytesPerSocket: Math.round(perSocket), socketsPerGiB: Math.round(2 ** 30 / perSocket) })
      log(`M4 ${target}: ${opened.opened} idle sockets, ${(perSocket / 1024).toFixed(1)} KiB each, opened at ${opened.perSecond.toFixed(0)}/s`)
    }
  }
  return figures
}
