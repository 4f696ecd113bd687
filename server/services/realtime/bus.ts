import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { ServerEvent, SessionEndReason } from '#shared/types/api'
import { serverConfig } from '../../utils/config'
import { errorName, logger } from '../../utils/logger'
import { resilienceSettings } from '../../utils/resilience'

// The event bus between the services (which store, then publish) and the sockets of every
// instance. Without NUXT_REDIS_URL it is in-process; with it, every envelope goes through
// one Redis pub/sub channel, so every instance (this one included) sees the same order.

/** Instructions for the hubs: subscription changes, revocations, presence between instances. */
export type ControlEvent
  = | { type: '$subscribe', userId: string, chatId: string, /** the newcomer's sockets know the chat up to here */ lastSeq: number }
    | { type: '$unsubscribe', userId: string, chatId: string }
    | { type: '$drop-chat', chatId: string }
    | { type: '$revoke', userId: string, sessionIds: string[], reason: SessionEndReason }
    | { type: '$presence', userId: string, instanceId: string, online: boolean, /** the user's open sockets there */ sockets: number }
    | { type: '$presence-sync', instanceId: string }
    | { type: '$alive', instanceId: string }
    | { type: '$user-changed', userId: string }
    | { type: '$visibility', userId: string, instanceId: string, /** the user's visible sockets there */ visible: number }

export interface Envelope {
  /** `chat:<id>` or `user:<id>`; a socket subscribed to several of them gets the event once. */
  topics: string[]
  event: ServerEvent | ControlEvent
  /** Sockets of this user do not get it (typing is not echoed to the typist). */
  exceptUserId?: string
  /** The instance that published it (over Redis): it delivered it to its own sockets already. */
  origin?: string
}

type Listener = (envelope: Envelope) => void

export const instanceId = randomUUID()
const CHANNEL = 'parley:events'
const listeners = new Set<Listener>()

let redisPublisher: Redis | null = null
let redisSubscriber: Redis | null = null
/** Whether Redis answers: false from a failed publish or a lost subscription until both work again. */
let redisHealthy = true
/** Called when the subscription comes back after an outage (the hub makes its sockets catch up). */
let onResubscribed: () => void = () => {}

function deliver(envelope: Envelope) {
  for (const listener of listeners) {
    try {
      listener(envelope)
    }
    catch (error) {
      logger.error('event listener failed', { error: errorName(error) })
    }
  }
}

function redisUrl(): string {
  return serverConfig().redisUrl
}

/** `redis` when Redis carries events between instances, `degraded` while it does not answer, `local` without it. */
function busKind(): 'redis' | 'local' | 'degraded' {
  if (!redisUrl()) return 'local'
  return redisHealthy && redisSubscriber?.status === 'ready' ? 'redis' : 'degraded'
}

/** busKind, with a PING (under the command deadline) so a stalled Redis shows at once. */
export async function busStatus(): Promise<'redis' | 'local' | 'degraded'> {
  ensureRedis()
  if (!redisPublisher) return 'local'
  try {
    await redisPublisher.ping()
  }
  catch {
    return 'degraded'
  }
  return busKind()
}

function ensureRedis() {
  if (redisPublisher || !redisUrl()) return
  // Every command has a deadline and nothing waits in an offline queue: a stalled or dead
  // Redis costs a publish one deadline, never a send, and local sockets do not need it.
  const options = {
    commandTimeout: resilienceSettings().redisCommandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  }
  redisPublisher = new Redis(redisUrl(), options)
  // The subscriber needs its offline queue for the SUBSCRIBE it replays on each reconnect.
  redisSubscriber = new Redis(redisUrl(), { ...options, commandTimeout: undefined, enableOfflineQueue: true })
  for (const client of [redisPublisher, redisSubscriber]) {
    client.on('error', (error: unknown) => logger.warn('redis error', { error: errorName(error) }))
  }
  const subscriber = redisSubscriber
  let subscribedOnce = false
  let lost = false
  subscriber.on('close', () => {
    if (subscribedOnce) lost = true
    redisHealthy = false
  })
  subscriber.on('ready', () => {
    // ioredis re-subscribes by itself (autoResubscribe); the first time we subscribe here.
    if (!subscribedOnce) {
      subscribedOnce = true
      subscriber.subscribe(CHANNEL).catch((error: unknown) => logger.error('redis subscribe failed', { error: errorName(error) }))
    }
    redisHealthy = true
    if (lost) {
      lost = false
      logger.warn('redis is back: local sockets catch up')
      onResubscribed()
    }
  })
  subscriber.on('message', (_channel: string, text: string) => {
    try {
      const envelope = JSON.parse(text) as Envelope
      if (envelope.origin !== instanceId) deliver(envelope)
    }
    catch (error) {
      logger.warn('bad bus envelope', { error: errorName(error) })
    }
  })
}

/** Closes the Redis connections (Nitro's close hook, after the last request). */
export async function stopBus(): Promise<void> {
  const clients = [redisPublisher, redisSubscriber]
  redisPublisher = null
  redisSubscriber = null
  await Promise.allSettled(clients.map(client => client?.quit()))
}

/** Starts the bus early, so an instance is subscribed before its first socket opens; `resubscribed` runs after a Redis outage. */
export function startBus(resubscribed: () => void = () => {}): void {
  onResubscribed = resubscribed
  ensureRedis()
}

/**
 * Publishes after the store: this instance's sockets get the envelope at once, the other
 * instances through Redis. Never waits for Redis and never throws; an envelope Redis lost
 * is healed by the clients through `/changes` (docs/guarantees.md).
 */
export function publish(envelope: Envelope): Promise<void> {
  ensureRedis()
  deliver(envelope)
  const publisher = redisPublisher
  if (!publisher) return Promise.resolve()
  if (publisher.status !== 'ready') {
    redisHealthy = false
    return Promise.resolve()
  }
  publisher.publish(CHANNEL, JSON.stringify({ ...envelope, origin: instanceId }))
    .then(() => {
      if (!redisHealthy && redisSubscriber?.status === 'ready') redisHealthy = true
    })
    .catch((error: unknown) => {
      redisHealthy = false
      logger.warn('event publish failed', { error: errorName(error) })
    })
  return Promise.resolve()
}

export function onEnvelope(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function chatTopic(chatId: string): string {
  return `chat:${chatId}`
}

export function userTopic(userId: string): string {
  return `user:${userId}`
}

export function publishToChat(chatId: string, event: ServerEvent, exceptUserId?: string): Promise<void> {
  return publish({ topics: [chatTopic(chatId)], event, exceptUserId })
}

export function publishToUsers(userIds: string[], event: ServerEvent | ControlEvent): Promise<void> {
  return publish({ topics: userIds.map(userTopic), event })
}

export function publishControl(event: ControlEvent, topics: string[] = []): Promise<void> {
  return publish({ topics, event })
}
