// The people and chats `npm run bench` measures with, made through Parley's own API:
// one registered owner creates the channels, guests (no password, so no argon2 in the
// set-up) join them, and each guest's access token authenticates its sockets.
import { randomBytes } from 'node:crypto'

const SETUP_CONCURRENCY = 8

export async function call(baseUrl, token, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/** Runs `task(i)` for i < count, `SETUP_CONCURRENCY` at a time. */
export async function inParallel(count, task, concurrency = SETUP_CONCURRENCY) {
  const results = Array.from({ length: count })
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++
      results[i] = await task(i)
    }
  }))
  return results
}

export async function registerOwner(baseUrl, password = 'benchmark password') {
  const username = `bo${randomBytes(5).toString('hex')}`
  const auth = await call(baseUrl, '', 'POST', '/api/auth/register', { username, password })
  return { username, password, token: auth.accessToken, id: auth.user.id }
}

/**
 * `chats` channels with `perChat` guests each (every guest in one chat). Returns the
 * chats' ids and one entry per guest: `{ token, userId, chats: [chatId] }`; guest i is in
 * chat i % chats.
 */
export async function population(baseUrl, { chats, perChat }) {
  const owner = await registerOwner(baseUrl)
  const tag = randomBytes(3).toString('hex')
  const chatIds = await inParallel(chats, async (i) => {
    const chat = await call(baseUrl, owner.token, 'POST', '/api/chats', { type: 'channel', name: `bench ${tag} ${i}` })
    return chat.id
  })
  return { owner, chatIds, people: await joinGuests(baseUrl, chatIds, chats * perChat) }
}

/** `count` new guests, guest i joining chat i % chatIds.length. */
export async function joinGuests(baseUrl, chatIds, count) {
  const tag = randomBytes(3).toString('hex')
  return inParallel(count, async (i) => {
    const auth = await call(baseUrl, '', 'POST', '/api/auth/guest', { username: `bg${tag}${i}` })
    const chatId = chatIds[i % chatIds.length]
    await call(baseUrl, auth.accessToken, 'POST', `/api/chats/${chatId}/join`)
    return { token: auth.accessToken, userId: auth.user.id, chats: [chatId] }
  })
}

/** Socket specs for the load generator: `socketsPerPerson` sockets for each person. */
export function socketSpecs(url, people, socketsPerPerson = 1) {
  return people.flatMap(person => Array.from({ length: socketsPerPerson }, () => ({ url, token: person.token, chats: person.chats })))
}
