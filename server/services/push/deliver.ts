import webpush from 'web-push'
import { markdownToPlainText } from '#shared/markdown'
import { vapidKeys } from '../../utils/config'
import { errorName, logger } from '../../utils/logger'
import { pushCandidates, pushRecipients, type PushableMessage } from './recipients'
import { forgetEndpoint, liveDevicesOf, type PushDevice } from './subscriptions'

// Sending Web Push (docs/messages.md, "Web Push"). A send only queues its message here
// (no await, off the chat's lock); one worker resolves the recipients and posts to the
// push services, at most PUSH_CONCURRENCY at a time. The queue is bounded: past
// MAX_QUEUED_MESSAGES a message is not pushed (push is a courtesy; the chat list has it).
// The requests are built by `web-push` (aes128gcm encryption, VAPID signature).

export const MAX_QUEUED_MESSAGES = 1_000
export const PUSH_CONCURRENCY = 8
const PUSH_TIMEOUT_MS = 10_000
/** A push service keeps an undelivered notification this long (the device was off). */
const PUSH_TTL_SECONDS = 24 * 60 * 60

/** What the service worker receives (public/sw.js), encrypted for the device. */
export interface PushPayload {
  title: string
  body: string
  /** The chat's page, opened (or focused) by a click. */
  url: string
  /** One notification per chat: a newer message replaces the older one. */
  tag: string
  chatId: string
  messageId: string
}

const queue: PushableMessage[] = []
let working = false
let started = false

/** Push is on once the server's push plugin starts it (services run without it in tests/db). */
export function startPushDelivery(): void {
  started = true
}

/** Queues a stored message for Web Push; never waits and never throws. */
export function queuePush(job: PushableMessage): void {
  if (!started) return
  if (queue.length >= MAX_QUEUED_MESSAGES) {
    logger.warn('push queue full: a message is not pushed', { chatId: job.message.chatId })
    return
  }
  queue.push(job)
  if (!working) void work()
}

async function work(): Promise<void> {
  working = true
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        await pushMessage(job)
      }
      catch (error) {
        logger.warn('push failed', { chatId: job.message.chatId, error: errorName(error) })
      }
    }
  }
  finally {
    working = false
  }
}

function filesSent(count: number): string {
  return count === 1 ? 'Sent a file' : `Sent ${count} files`
}

export function pushPayload(job: PushableMessage): PushPayload {
  const { chat, message } = job
  const where = chat.type === 'direct' || !chat.name ? '' : ` in ${chat.type === 'channel' ? '#' : ''}${chat.name}`
  return {
    title: `${message.sender.displayName}${where}`,
    body: markdownToPlainText(message.content, 200) || filesSent(message.attachments.length),
    url: `/chats/${message.chatId}`,
    tag: `parley:${message.chatId}`,
    chatId: message.chatId,
    messageId: message.id,
  }
}

async function pushMessage(job: PushableMessage): Promise<void> {
  // Devices first: most people have none, and then nothing else is read.
  const candidates = await pushCandidates(job)
  if (candidates.userIds.length === 0) return
  const devices = await liveDevicesOf(candidates.userIds)
  if (devices.length === 0) return
  const recipients = new Set((await pushRecipients(job, candidates, [...new Set(devices.map(device => device.userId))])).map(recipient => recipient.userId))
  const targets = devices.filter(device => recipients.has(device.userId))
  if (targets.length === 0) return
  const payload = JSON.stringify(pushPayload(job))
  for (let start = 0; start < targets.length; start += PUSH_CONCURRENCY) {
    await Promise.all(targets.slice(start, start + PUSH_CONCURRENCY).map(device => pushTo(device, payload)))
  }
}

/** One push. A 404 or 410 means the browser dropped the subscription: it is forgotten. */
async function pushTo(device: PushDevice, payload: string): Promise<void> {
  const keys = vapidKeys()
  const request = webpush.generateRequestDetails({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, payload, {
    vapidDetails: keys,
    TTL: PUSH_TTL_SECONDS,
    // Only mentions and direct messages are pushed: a person waits for those.
    urgency: 'high',
  })
  // Sent with fetch rather than web-push's own https request: one client, a deadline, and the
  // tests' local push service over http (server/utils/config.ts, pushHttpEndpoints).
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-length').map(([name, value]) => [name, String(value)]))
  try {
    const response = await fetch(request.endpoint, { method: request.method, headers, body: request.body ? new Uint8Array(request.body) : undefined, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS), redirect: 'error' })
    await response.arrayBuffer().catch(() => {})
    if (response.status === 404 || response.status === 410) await forgetEndpoint(device.userId, device.endpoint)
    else if (!response.ok) logger.warn('push service refused a push', { status: response.status })
  }
  catch (error) {
    logger.warn('push service unreachable', { error: errorName(error) })
  }
}
