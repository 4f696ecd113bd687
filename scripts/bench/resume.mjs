// M5's sockets in the load generator: receivers that follow the resume protocol of
// docs/api-realtime.md. Each remembers, per chat, the last change it holds; after a drop
// it reconnects, reads `ready.chats[].lastChangeSeq`, and pages
// `/changes?since=<held>&limit=100` up to it while live `message.created` frames keep
// coming (messages are merged by seq, as the app's store merges them by id). The
// orchestrator (scripts/bench/storm.mjs) opens them, drops them all at once, and checks
// at the end that each one holds every message of its chat exactly once.
import { histogram, httpOrigin, openMany, openSocket, recordMs, summary, terminateAll } from './sockets.mjs'

const CATCH_UP_TIMEOUT_MS = 120_000
const MAX_RETRY_AFTER_MS = 5_000

/** receiver: { spec, socket, first, held, since, seen, connectionSeen, caughtUpAt, catchUp } */
let receivers = []
const counts = { liveDuplicated: 0, changesDuplicated: 0, repeats: 0, changesRequests: 0, retries: 0, catchUpErrors: {} }

/** GET with the receiver's token; a 503 or 429 is retried after its Retry-After, as the app's client does. */
async function get(receiver, path) {
  for (;;) {
    counts.changesRequests++
    const response = await fetch(`${httpOrigin(receiver.spec.url)}${path}`, { headers: { authorization: `Bearer ${receiver.spec.token}` } })
    if (response.ok) return response.json()
    if (response.status !== 503 && response.status !== 429) throw new Error(`GET ${path}: ${response.status}`)
    counts.retries++
    await response.arrayBuffer()
    const after = Number(response.headers.get('retry-after') ?? 1) * 1000
    await new Promise(r => setTimeout(r, Math.min(MAX_RETRY_AFTER_MS, after || 1000)))
  }
}

function hold(receiver, message) {
  const { chatId, seq, changeSeq } = message
  if (!receiver.seen.has(chatId)) receiver.seen.set(chatId, new Set())
  const seen = receiver.seen.get(chatId)
  if (seen.has(seq)) counts.repeats++
  else seen.add(seq)
  receiver.held.set(chatId, Math.max(receiver.held.get(chatId) ?? 0, changeSeq))
}

/** Pages `/changes` from what was held at the drop up to what `ready` announced. */
async function catchUp(receiver, readyChats) {
  for (const chat of readyChats) {
    let since = receiver.since.get(chat.id)
    if (since === undefined) continue
    const inThisCatchUp = new Set()
    for (let round = 0; round < 1_000 && since < chat.lastChangeSeq; round++) {
      const page = await get(receiver, `/api/chats/${chat.id}/changes?since=${since}&limit=100`)
      for (const message of page.items) {
        if (inThisCatchUp.has(message.seq)) counts.changesDuplicated++
        inThisCatchUp.add(message.seq)
        hold(receiver, message)
      }
      since = Math.max(since, page.lastChangeSeq, ...page.items.map(message => message.changeSeq))
      if (!page.hasMore) break
    }
  }
  receiver.caughtUpAt = performance.now()
}

function onFrame(receiver, frame) {
  if (frame.type === 'ready') {
    receiver.connectionSeen = new Set()
    if (!receiver.first) {
      receiver.first = new Map(frame.chats.map(chat => [chat.id, chat.lastSeq]))
      for (const chat of frame.chats) receiver.held.set(chat.id, chat.lastChangeSeq)
      return
    }
    receiver.catchUp = catchUp(receiver, frame.chats).catch((error) => {
      counts.catchUpErrors[error.message] = (counts.catchUpErrors[error.message] ?? 0) + 1
    })
    return
  }
  if (frame.type !== 'message.created' || !receiver.connectionSeen) return
  const key = `${frame.chatId}:${frame.message.seq}`
  if (receiver.connectionSeen.has(key)) {
    counts.liveDuplicated++
    return
  }
  receiver.connectionSeen.add(key)
  hold(receiver, frame.message)
}

function openAll(list, inFlight) {
  const bySpec = new Map(list.map(receiver => [receiver.spec, receiver]))
  return openMany(list.map(receiver => receiver.spec), spec => openSocket(spec, { onFrame: (_socket, frame) => onFrame(bySpec.get(spec), frame) }), (socket) => {
    bySpec.get(socket.spec).socket = socket
  }, inFlight)
}

/** Opens one receiver per spec and records, per chat, the seq it started at. */
async function resumeOpen({ sockets: specs }) {
  receivers = specs.map(spec => ({ spec, held: new Map(), seen: new Map(), since: new Map(), first: null }))
  Object.assign(counts, { liveDuplicated: 0, changesDuplicated: 0, repeats: 0, changesRequests: 0, retries: 0, catchUpErrors: {} })
  return openAll(receivers)
}

/**
 * Kills every receiver's connection at once, reconnects them all (`inFlight` upgrades at a
 * time, 50 unless --storm-in-flight says otherwise) and resolves once each has caught up:
 * the time from the drop to the last one.
 */
async function resumeDrop({ inFlight = 50 } = {}) {
  const droppedAt = performance.now()
  for (const receiver of receivers) {
    receiver.since = new Map(receiver.held)
    receiver.caughtUpAt = null
    receiver.catchUp = null
  }
  await terminateAll(receivers.map(receiver => receiver.socket).filter(Boolean))
  const reopened = await openAll(receivers, inFlight)
  const deadline = new Promise(r => setTimeout(r, CATCH_UP_TIMEOUT_MS))
  await Promise.race([Promise.all(receivers.map(receiver => receiver.catchUp)), deadline])
  const times = histogram()
  for (const receiver of receivers) if (receiver.caughtUpAt) recordMs(times, receiver.caughtUpAt - droppedAt)
  const caughtUp = receivers.filter(receiver => receiver.caughtUpAt).length
  return { sockets: receivers.length, reopened, caughtUp, caughtUpMs: summary(times), allCaughtUpMs: caughtUp === receivers.length ? summary(times).max : null, ...counts }
}

/**
 * After the senders stopped: each chat's last seq, then waits up to `waitMs` until every
 * receiver holds every seq after the one it started at. Missing seqs are lost.
 */
async function resumeCheck({ waitMs = 10_000 }) {
  const lastSeq = new Map()
  for (const receiver of receivers) {
    for (const chatId of receiver.spec.chats) {
      if (!lastSeq.has(chatId)) lastSeq.set(chatId, (await get(receiver, `/api/chats/${chatId}`)).lastSeq)
    }
  }
  const missing = () => {
    let count = 0
    let expected = 0
    for (const receiver of receivers) {
      for (const [chatId, first] of receiver.first ?? []) {
        const seen = receiver.seen.get(chatId) ?? new Set()
        for (let seq = first + 1; seq <= lastSeq.get(chatId); seq++) {
          expected++
          if (!seen.has(seq)) count++
        }
      }
    }
    return { lost: count, expected }
  }
  const deadline = performance.now() + waitMs
  while (missing().lost > 0 && performance.now() < deadline) await new Promise(r => setTimeout(r, 200))
  const unopened = receivers.filter(receiver => !receiver.first).length
  return { ...missing(), unopened, ...counts }
}

async function resumeClose() {
  await terminateAll(receivers.map(receiver => receiver.socket).filter(Boolean))
  const closed = receivers.length
  receivers = []
  return { closed }
}

export const resumeCommands = { resumeOpen, resumeDrop, resumeCheck, resumeClose }
