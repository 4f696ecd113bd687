// A "pair" of `npm run bench`: the same sockets opened on two servers (Parley and the raw
// baseline, or one Parley instance and two joined by Redis), warmed up, then run `reps`
// times interleaved at the same offered rate; the medians are kept and every message is
// checked to be acked and delivered exactly once.

export const median = (values) => {
  const sorted = values.filter(value => typeof value === 'number').sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null
}

/** Medians of the latency figures over the runs; totals of what was lost or duplicated. */
export function combine(runs) {
  const pick = path => median(runs.map(run => path.split('.').reduce((value, key) => value?.[key], run)))
  const errors = {}
  for (const run of runs) for (const [code, count] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + count
  const total = key => runs.reduce((sum, run) => sum + run[key], 0)
  return {
    runs: runs.length,
    achievedRate: pick('achievedRate'),
    deliver: { p50: pick('deliver.p50'), p99: pick('deliver.p99'), p999: pick('deliver.p999'), max: pick('deliver.max') },
    ack: { p50: pick('ack.p50'), p99: pick('ack.p99'), p999: pick('ack.p999'), max: pick('ack.max') },
    deliveryRatio: Math.min(...runs.map(run => run.deliveryRatio)),
    sent: total('sent'),
    acked: total('acked'),
    lost: total('lost'),
    duplicated: total('duplicated'),
    unanswered: total('unanswered'),
    errors,
    // The load generator's worst stall over the runs: a latency tail it explains is the harness's.
    loadGeneratorLagMaxMs: Math.max(...runs.map(run => run.loadGeneratorLag.max)),
  }
}

/** The overload gate's refusal (503 `unavailable` with Retry-After): a miss of speed, not of correctness. */
const REFUSAL = 'unavailable'

/**
 * What went wrong in a run (or combined runs), or null: the check CI relies on. Strict
 * (`--quick`, a light load): every message acked within the drain, no error frame at
 * all. Otherwise a send the overload gate refused, or one still unanswered 10 s after the
 * load stopped, is a speed figure, but every acked message must still be delivered
 * exactly once.
 */
export function incorrect(c, { strict }) {
  const otherErrors = Object.keys(c.errors).filter(code => strict || code !== REFUSAL)
  const wrong = c.lost || c.duplicated || c.deliveryRatio !== 1 || (strict && (c.acked !== c.sent || c.unanswered)) || otherErrors.length
  return wrong ? `${c.acked}/${c.sent} acked, ${c.lost} lost, ${c.duplicated} duplicated, ${c.unanswered} unanswered, errors ${JSON.stringify(c.errors)}` : null
}

/**
 * Returns `pair(name, specsByTarget, { rate })`: opens each target's socket specs (e.g.
 * `{ parley: [...], baseline: [...] }`), warms each up, runs them interleaved, closes
 * them, and returns `{ [target]: combined, opened, rate, durationMs }`. Correctness
 * failures are pushed to `failures`.
 */
export function pairRunner({ load, plan, log, failures, strict }) {
  return async function pair(name, specsByTarget, { rate, durationMs = plan.durationMs, reps = plan.reps }) {
    const targets = Object.keys(specsByTarget)
    const opened = {}
    for (const target of targets) {
      const specs = specsByTarget[target]
      opened[target] = await load.call('open', { set: `${name}:${target}`, sockets: specs })
      log(`${name}: ${opened[target].opened} sockets open on ${target} in ${opened[target].seconds.toFixed(1)} s`)
      if (opened[target].opened !== specs.length) failures.push(`${name}: ${target} opened ${opened[target].opened} of ${specs.length} sockets ${JSON.stringify(opened[target].failures)}`)
    }
    const runs = Object.fromEntries(targets.map(target => [target, []]))
    for (const target of targets) await load.call('send', { set: `${name}:${target}`, rate, durationMs: plan.warmupMs })
    for (let rep = 0; rep < reps; rep++) {
      for (const target of rep % 2 ? [...targets].reverse() : targets) {
        const run = await load.call('send', { set: `${name}:${target}`, rate, durationMs })
        runs[target].push(run)
        log(`${name} ${target} #${rep + 1}: deliver p50 ${run.deliver.p50} p99 ${run.deliver.p99} ms, ack p99 ${run.ack.p99} ms (load generator's own stalls: p99 ${run.loadGeneratorLag.p99.toFixed(1)}, max ${run.loadGeneratorLag.max.toFixed(1)} ms), acked ${run.acked}/${run.sent}${run.refused ? ` (${run.refused} refused)` : ''}, delivered ${run.delivered}/${run.expected}${run.duplicated ? `, ${run.duplicated} duplicated` : ''}${Object.keys(run.errors).length ? ` errors ${JSON.stringify(run.errors)}` : ''}`)
      }
    }
    for (const target of targets) await load.call('close', { set: `${name}:${target}` })
    const combined = { opened, rate, durationMs }
    for (const target of targets) {
      combined[target] = combine(runs[target])
      const wrong = incorrect(combined[target], { strict })
      if (wrong) failures.push(`${name} on ${target}: ${wrong}`)
    }
    return combined
  }
}
