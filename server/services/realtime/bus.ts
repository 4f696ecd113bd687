import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { ServerEvent } from '#shared/types/api'
import { serverConfig } from '../../utils/config'
import { errorName, logger } from '../../utils/logger'

// The event bus between the services (which store, then publish) and the sockets of every
// instance. Without NUXT_REDIS_URL it is in-process; with it, every envelope goes through
// one Redis pub/sub channel, so every instance (this one included) sees the same order.

/** Instructions for the hubs: subscription changes, revocations, presence between instances. */
export type ControlEvent
  = | { type: '$subscribe', userId: string, chatId: string, /** the newcomer's sockets know the chat up to here */ lastSeq: number }
    | { type: '$unsubscribe', userId: string, chatId: string }
    | { type: '$drop-chat', chatId: string }
    | { type: '$revoke', userId: string, sessionIds: string[] }
    | { type: '$presence', userId: string, instanceId: string, online: boolean, /** the user's open sockets there */ sockets: number }
    | { type: '$presence-sync', instanceId: string }
    | { type: '$alive', instanceId: string }
    | { type: '$user-changed', userId: string }

export interface Envelope {
  /** `chat:<id>` or `user:<id>`; a socket subscribed to several of them gets the event once. */
  topics: string[]
  event: ServerEvent | ControlEvent
  /** Sockets of this user do not get it (typing is not echoed to the typist). */
  exceptUserId?: string
}

type Listener = (envelope: Envelope) => void

export const instanceId = randomUUID()
const CHANNEL = 'parley:events'
const listeners = new Set<Listener>()

let redisPublisher: Redis | null = null
let redisSubscriber: Redis | null = null

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

export function busKind(): 'redis' | 'local' {
  return redisUrl() ? 'redis' : 'local'
}

function ensureRedis() {
  if (redisPublisher || !redisUrl()) return
  const options = { maxRetriesPerRequest: 3, lazyConnect: false }
  redisPublisher = new Redis(redisUrl(), options)
  redisSubscriber = new Redis(redisUrl(), options)
  for (const client of [redisPublisher, redisSubscriber]) {
    client.on('error', (error: unknown) => logger.warn('redis error', { error: errorName(error) }))
  }
  redisSubscriber.subscribe(CHANNEL).catch((error: unknown) => logger.error('redis subscribe failed', { error: errorName(error) }))
  redisSubscriber.on('message', (_channel: string, text: string) => {
    try {
      deliver(JSON.parse(text) as Envelope)
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

/** Starts the bus early, so an instance is subscribed before its first socket opens. */
export function startBus(): void {
  ensureRedis()
}

/** Publishes after the store. A lost event is healed by the client through `/changes`. */
export async function publish(envelope: Envelope): Promise<void> {
  ensureRedis()
  if (!redisPublisher) {
    deliver(envelope)
    return
  }
  try {
    await redisPublisher.publish(CHANNEL, JSON.stringify(envelope))
  }
  catch (error) {
    logger.warn('event publish failed', { error: errorName(error) })
  }
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
