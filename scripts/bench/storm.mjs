// M5 of `npm run bench`: every receiver's connection killed at once while senders (one per
// chat, never dropped) keep sending; the receivers reconnect and catch up through
// `/changes` as the app does (scripts/bench/resume.mjs). Measured: the time from the drop
// until the last receiver has caught up; checked: no receiver lacks or repeats a message.
import { incorrect } from './pairs.mjs'
import { socketSpecs } from './population.mjs'

/**
 * `senders` (one per chat, never dropped) send `rate` msg/s for `durationMs`; the
 * `receivers` are dropped `dropAfterMs` into it.
 */
export async function measureReconnectStorm({ load, log, parleyWs, failures, strict, senders, receivers, rate, durationMs, dropAfterMs, inFlight }) {
  const senderSet = 'storm:senders'
  const sendersOpened = await load.call('open', { set: senderSet, sockets: socketSpecs(parleyWs, senders) })
  const opened = await load.call('resumeOpen', { sockets: socketSpecs(parleyWs, receivers) })
  log(`M5: ${opened.opened} receivers and ${sendersOpened.opened} senders open; ${rate} msg/s for ${durationMs / 1000} s, all receivers dropped after ${dropAfterMs / 1000} s, reconnecting ${inFlight} at a time`)
  try {
    const sending = load.call('send', { set: senderSet, rate, durationMs, drainMs: 20_000 })
    await new Promise(r => setTimeout(r, dropAfterMs))
    const drop = await load.call('resumeDrop', { inFlight })
    log(`M5: ${drop.reopened.opened} of ${drop.sockets} reconnected in ${drop.reopened.seconds.toFixed(1)} s (${drop.reopened.retries} upgrades refused and retried); caught up ${drop.caughtUp}, the last ${drop.allCaughtUpMs ?? 'never'} ms after the drop (p50 ${drop.caughtUpMs.p50} ms); ${drop.changesRequests} /changes requests, ${drop.retries} retried after 503/429`)
    const sent = await sending
    const check = await load.call('resumeCheck', { waitMs: 10_000 })
    log(`M5: senders: ${sent.acked}/${sent.sent} acked (${sent.refused} refused, ${sent.unanswered} unanswered), ack p50 ${sent.ack.p50} p99 ${sent.ack.p99} max ${sent.ack.max} ms`)
    log(`M5: ${check.expected - check.lost}/${check.expected} messages held by the receivers, ${check.lost} lost, ${check.liveDuplicated} duplicated live, ${check.changesDuplicated} duplicated by /changes, ${check.repeats} repeats dropped by seq`)
    const wrong = [
      incorrect(sent, { strict }),
      check.lost || check.liveDuplicated || check.changesDuplicated || check.unopened || Object.keys(check.catchUpErrors).length
        ? `${check.lost} lost, ${check.liveDuplicated} duplicated on one connection, ${check.changesDuplicated} duplicated by /changes, ${check.unopened} never opened, catch-up errors ${JSON.stringify(check.catchUpErrors)}`
        : null,
      drop.caughtUp === drop.sockets ? null : `${drop.sockets - drop.caughtUp} receivers never caught up (${JSON.stringify(drop.reopened.failures)})`,
    ].filter(Boolean)
    for (const failure of wrong) failures.push(`M5: ${failure}`)
    return {
      receivers: receivers.length,
      chats: senders.length,
      rate,
      durationMs,
      sending: { achievedRate: sent.achievedRate, sent: sent.sent, acked: sent.acked, refused: sent.refused, unanswered: sent.unanswered, ack: sent.ack, errors: sent.errors },
      reconnect: { opened: drop.reopened.opened, seconds: drop.reopened.seconds, perSecond: drop.reopened.perSecond, upgradesRetried: drop.reopened.retries },
      caughtUp: drop.caughtUp,
      allCaughtUpMs: drop.allCaughtUpMs,
      caughtUpMs: drop.caughtUpMs,
      changesRequests: drop.changesRequests,
      retries: drop.retries,
      expected: check.expected,
      lost: check.lost,
      duplicated: check.liveDuplicated + check.changesDuplicated,
      repeats: check.repeats,
    }
  }
  finally {
    await load.call('resumeClose')
    await load.call('close', { set: senderSet })
  }
}
