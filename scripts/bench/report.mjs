// Writes the measured part of docs/benchmarks.md (between the two `bench:results`
// markers; the rest of the file is written by hand) from one full run's results.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { LADDER } from './capacity.mjs'

/** A difference in ms with its sign: `+8.48 ms`, `-3.04 ms`. */
const signedMs = value => `${value < 0 ? '-' : '+'}${Math.round(Math.abs(value) * 100) / 100} ms`

const START = '<!-- bench:results:start (written by npm run bench; do not edit by hand) -->'
const END = '<!-- bench:results:end -->'

const ms = value => (value === null || value === undefined ? 'n/a' : `${value} ms`)
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}x` : 'n/a')
const verdict = ok => (ok === null ? 'not measured' : ok ? '**met**' : '**missed**')

/** Every target of issue 16 with its figure and whether this run met it. */
export function targets(r) {
  const rows = []
  const s = r.smallChats
  const b = r.bigChat
  const refused = x => x.sent - x.acked - x.unanswered
  rows.push(['M1 small chats', s ? `p99 ${ms(s.parley.deliver.p99)} vs baseline ${ms(s.baseline.deliver.p99)} (+50 ms allowed); delivery ${s.parley.deliveryRatio}; ${refused(s.parley)} of ${s.parley.sent} sends refused` : 'n/a',
    s ? s.parley.deliver.p99 <= s.baseline.deliver.p99 + 50 && s.parley.deliveryRatio === 1 && refused(s.parley) === 0 : null])
  rows.push(['M1 big chat', b ? `p99 ${ms(b.parley.deliver.p99)} vs 2 x baseline ${ms(b.baseline.deliver.p99)} + 50 ms; delivery ${b.parley.deliveryRatio}` : 'n/a',
    b ? b.parley.deliver.p99 <= 2 * b.baseline.deliver.p99 + 50 && b.parley.deliveryRatio === 1 : null])
  const c = r.capacity
  const rate = found => found.sustained === 0 ? `below ${LADDER[0]}` : found.sustained === LADDER.at(-1) ? `${found.sustained}+ (the ladder's top)` : `${found.sustained}`
  rows.push(['M2 sustained rate', c ? `${rate(c.parley)} msg/s (baseline ${rate(c.baseline)}); target >= 1,000` : 'n/a', c ? c.parley.sustained >= 1_000 : null])
  rows.push(['M3 send to ack', s ? `p99 ${ms(s.parley.ack.p99)} at M1's small-chat load; target <= 50 ms` : 'n/a', s ? s.parley.ack.p99 <= 50 && refused(s.parley) === 0 : null])
  const m = r.memory?.filter(f => f.target === 'parley')
  rows.push(['M4 idle sockets per GiB', m ? m.map(f => `${f.socketsPerGiB.toLocaleString('en')} at ${f.sockets.toLocaleString('en')}`).join(', ') + '; target >= 22,000' : 'n/a', m ? m.every(f => f.socketsPerGiB >= 22_000) : null])
  const x = r.reconnect
  rows.push(['M5 reconnect storm', x ? `${x.receivers.toLocaleString('en')} sockets dropped at once at ${x.rate} msg/s: ${x.allCaughtUpMs === null ? `${x.caughtUp} caught up, not all` : `all caught up in ${(x.allCaughtUpMs / 1000).toFixed(1)} s`}; ${x.lost} lost, ${x.duplicated} duplicated; target <= 15 s, 0, 0` : 'n/a',
    x ? x.allCaughtUpMs !== null && x.allCaughtUpMs <= 15_000 && x.lost === 0 && x.duplicated === 0 : null])
  const d = r.dataSize
  if (d) {
    const [small, large] = d.messages
    const worst = Math.max(...['page', 'deepPage', 'around', 'changes', 'send'].map(key => large[key] / small[key]))
    const [few, many] = d.chatList
    rows.push(['M6 data size', `worst large/small ${worst.toFixed(2)}x over page, deep page, around, changes, send (findById ${ratio(large.findById, small.findById)}); chat list ${ratio(many.chatList, few.chatList)} at ${many.chats} vs ${few.chats} chats`, worst <= 1.5 && many.chatList / few.chatList <= 1.5])
  }
  else {
    rows.push(['M6 data size', 'n/a', null])
  }
  const l = r.logins
  rows.push(['M7 logins', l ? `${l.logins.perSecond.toFixed(1)}/s vs ${l.rawVerifiesPerSecond.toFixed(1)} raw verifies/s (${Math.round(100 * l.logins.perSecond / l.rawVerifiesPerSecond)}%); p99 ${ms(l.during.deliver.p99)} during vs ${ms(l.quiet.deliver.p99)} quiet` : 'n/a',
    l ? l.logins.perSecond >= 0.7 * l.rawVerifiesPerSecond && l.during.deliver.p99 <= 2 * l.quiet.deliver.p99 + 20 : null])
  const i = r.instances
  rows.push(['M8 two instances over Redis', i ? `p99 ${ms(i.two.deliver.p99)} on two vs ${ms(i.one.deliver.p99)} on one (${signedMs(i.two.deliver.p99 - i.one.deliver.p99)}); target <= +10 ms` : 'n/a',
    i ? i.two.deliver.p99 - i.one.deliver.p99 <= 10 && i.two.deliveryRatio === 1 : null])
  return rows
}

const SERVERS = { parley: 'Parley', baseline: 'raw `ws`' }

/** One pair's table: each server's medians and the ratio of the first to the second. */
function latencyTable(name, pairResult, labels = SERVERS) {
  const row = (target, x) => `| ${target} | ${x.achievedRate?.toFixed(0)} | ${ms(x.deliver.p50)} | ${ms(x.deliver.p99)} | ${ms(x.deliver.p999)} | ${ms(x.deliver.max)} | ${ms(x.ack.p50)} | ${ms(x.ack.p99)} | ${x.deliveryRatio} | ${x.lost} / ${x.duplicated} |`
  const [first, second] = Object.keys(labels)
  const [p, b] = [pairResult[first], pairResult[second]]
  return [
    `**${name}** (${pairResult.opened[first].opened} sockets, ${pairResult.rate} msg/s offered, ${pairResult.durationMs / 1000} s, medians of ${p.runs} runs)`,
    '',
    '| server | msg/s | deliver p50 | p99 | p99.9 | max | ack p50 | ack p99 | delivery | lost / dup |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row(labels[first], p),
    row(labels[second], b),
    `| ${labels[first]} / ${labels[second]} | | ${ratio(p.deliver.p50, b.deliver.p50)} | ${ratio(p.deliver.p99, b.deliver.p99)} | ${ratio(p.deliver.p999, b.deliver.p999)} | ${ratio(p.deliver.max, b.deliver.max)} | ${ratio(p.ack.p50, b.ack.p50)} | ${ratio(p.ack.p99, b.ack.p99)} | | |`,
    '',
    `Sockets opened: ${labels[first]} ${pairResult.opened[first].perSecond.toFixed(0)}/s, ${labels[second]} ${pairResult.opened[second].perSecond.toFixed(0)}/s.`,
    '',
  ].join('\n')
}

export function renderResults(r) {
  const lines = [START, '', `Run ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit \`${r.commit}\`${r.dirty ? ' (with local changes)' : ''}; ${r.machine.cpu}, ${r.machine.cores} cores, ${(r.machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${r.machine.node}; ${r.pinned ? 'server side pinned to core 0, load generator to the other core' : 'not pinned'}. Load average before/after: ${r.machine.loadAverage?.join(' ')} / ${r.machine.loadAverageAfter?.join(' ')} (the machine is shared: absolute figures move with the others' work, the ratios to the baseline of the same run are what count). ${r.quick ? 'This is a `--quick` run: a smaller load than the targets name, one run per pair, so the verdicts are indicative only.' : 'Raw figures: `docs/benchmarks.json`.'}`, '']
  lines.push('| target | this run | verdict |', '|---|---|---|')
  for (const [name, figure, ok] of targets(r)) lines.push(`| ${name} | ${figure} | ${verdict(ok)} |`)
  lines.push('')
  if (r.smallChats) lines.push(latencyTable('M1/M3, small chats', r.smallChats))
  if (r.overload) {
    const o = r.overload
    const p = o.parley
    const accepted = p.acked / (p.runs * o.durationMs / 1000)
    lines.push(`**Past capacity** (the M1 small chats offered ${o.rate} msg/s, Parley alone, ${o.durationMs / 1000} s): ${accepted.toFixed(0)} msg/s accepted, ${p.sent - p.acked - p.unanswered} of ${p.sent} sends refused at once with \`unavailable\` and \`Retry-After: 1\` (${Math.round(100 * (p.sent - p.acked - p.unanswered) / p.sent)}%), ${p.unanswered} unanswered; of the accepted, deliver p50 ${ms(p.deliver.p50)}, p99 ${ms(p.deliver.p99)}, max ${ms(p.deliver.max)}, ack p99 ${ms(p.ack.p99)}, delivery ${p.deliveryRatio}, ${p.lost} lost, ${p.duplicated} duplicated.`, '')
  }
  if (r.bigChat) lines.push(latencyTable('M1, one big chat', r.bigChat))
  if (r.capacity) {
    lines.push(`**M2, the ladder** (each step ${r.capacity.parley?.stepMs / 1000} s on Parley, ${r.capacity.baseline?.stepMs / 1000} s on the baseline; a step passes with p99 <= 100 ms, everything acked and delivered, and the rate achieved)`, '')
    lines.push('| server | step: msg/s, p99, delivery |', '|---|---|')
    for (const [target, found] of Object.entries(r.capacity)) lines.push(`| ${target} | ${found.steps.map(step => `${step.rate}: ${ms(step.p99)}, ${step.deliveryRatio.toFixed(3)}${step.ok ? '' : ' (over)'}`).join('; ')} |`)
    lines.push('')
  }
  if (r.memory) {
    lines.push('**M4, idle authenticated sockets** (server resident memory before opening them and after, each after a full garbage collection; and 3 s after opening, before it)', '', '| server | sockets | KiB per socket | sockets per GiB | KiB per socket 3 s after opening | opened per second |', '|---|---|---|---|---|---|')
    for (const f of r.memory) lines.push(`| ${f.target} | ${f.sockets} | ${(f.bytesPerSocket / 1024).toFixed(1)} | ${f.socketsPerGiB.toLocaleString('en')} | ${(f.bytesPerSocketAsOpened / 1024).toFixed(1)} | ${f.opensPerSecond.toFixed(0)} |`)
    lines.push('')
  }
  if (r.dataSize) {
    lines.push('**M6, data size** (median of 30 sequential requests over HTTP; the engine\'s own `findById` from the harness)', '', '| messages in one chat | findById | first page (50) | deep page | around= | /changes (50) | send |', '|---|---|---|---|---|---|---|')
    for (const x of r.dataSize.messages) lines.push(`| ${x.messages.toLocaleString('en')} | ${ms(x.findById)} | ${ms(x.page)} | ${ms(x.deepPage)} | ${ms(x.around)} | ${ms(x.changes)} | ${ms(x.send)} |`)
    lines.push('', '| chats of the person | chat list (first page of 30) |', '|---|---|')
    for (const x of r.dataSize.chatList) lines.push(`| ${x.chats} | ${ms(x.chatList)} |`)
    lines.push('')
  }
  if (r.logins) {
    const l = r.logins
    lines.push(`**M7, logins**: ${l.logins.perSecond.toFixed(1)} logins/s over 8 connections for ${r.plan.loginStormMs / 1000} s (latency p50 ${l.logins.latency.p50} ms, p99 ${l.logins.latency.p99} ms; status codes ${JSON.stringify(l.logins.statusCodes)}) against ${l.rawVerifiesPerSecond.toFixed(1)} raw argon2id verifies/s on the server's core. Delivery of 20 msg/s among ${l.sockets ?? 200} sockets: p99 ${ms(l.quiet.deliver.p99)} quiet, ${ms(l.during.deliver.p99)} during the storm.`, '')
  }
  if (r.reconnect) {
    const x = r.reconnect
    lines.push(`**M5, reconnect storm**: ${x.receivers} sockets in ${x.chats} chats dropped at once while ${x.chats} senders kept ${x.rate} msg/s (${x.sending.acked}/${x.sending.sent} acked, ack p99 ${ms(x.sending.ack.p99)}). Reconnected in ${x.reconnect.seconds.toFixed(1)} s (${x.reconnect.perSecond.toFixed(0)}/s); caught up (drop to the end of the socket's \`/changes\` pages): p50 ${ms(x.caughtUpMs.p50)}, p99 ${ms(x.caughtUpMs.p99)}, last ${ms(x.allCaughtUpMs)}; ${x.changesRequests} \`/changes\` requests, ${x.retries} retried after 503/429. Of ${x.expected} expected deliveries ${x.lost} lost, ${x.duplicated} duplicated; ${x.repeats} repeats (a message got both live and from \`/changes\`) dropped by id as the app does.`, '')
  }
  if (r.instances) lines.push(latencyTable('M8, two instances joined by Redis against one', r.instances, { two: 'two instances', one: 'one instance' }))
  if (r.failures.length) lines.push('Correctness failures in this run:', '', ...r.failures.map(f => `- ${f}`), '')
  lines.push(END)
  return lines.join('\n')
}

export function writeReport(results, file) {
  const section = renderResults(results)
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`
  if (!text.includes(START)) text += `\n${START}\n${END}\n`
  text = text.slice(0, text.indexOf(START)) + section + text.slice(text.indexOf(END) + END.length)
  writeFileSync(file, text)
}
