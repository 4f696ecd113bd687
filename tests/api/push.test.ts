import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Chat, Message } from '#shared/types/api'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, loginUser, signUp, TEST_PASSWORD, type TestUser } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { startPushService, type PushDevice } from '../harness/push-service'
import { TestSocket } from '../harness/ws-client'

// Web Push end to end (docs/messages.md, "Web Push"): the built server pushes to a local
// push service, which decrypts every payload with the device's own keys. "Not pushed" is
// proven by order, never by waiting: pushes go out one message at a time in the order the
// messages were sent, so once a later message's push has arrived, an earlier one that was
// going to come has come.

let server: RunningServer
let push: Awaited<ReturnType<typeof startPushService>>
let ana: TestUser, bob: TestUser, cy: TestUser
let directId: string, groupId: string
let bobPhone: PushDevice

const url = () => server.baseUrl
const send = async (user: TestUser, chatId: string, content: string) => {
  const response = await api<Message>(url(), user, 'POST', `/api/chats/${chatId}/messages`, { content })
  expect(response.status).toBe(201)
  return response.body
}
const subscribe = async (user: Pick<TestUser, 'token'>, device: PushDevice) => {
  expect((await api(url(), user, 'PUT', '/api/push/subscription', device.subscription)).status).toBe(204)
}
const settings = async (user: TestUser, chatId: string, body: unknown) => {
  expect((await api<Chat>(url(), user, 'PUT', `/api/chats/${chatId}/notifications`, body)).status).toBe(200)
}
/** How many pushes of each device a test has checked already. */
const checked = new Map<string, number>()
/** The next push of `device` (after the ones checked) is for `message`: nothing came in between. */
const expectNextPush = async (device: PushDevice, message: Message) => {
  const index = checked.get(device.id) ?? 0
  const payload = await device.nextPush(index)
  expect(payload.messageId, `push ${index} of the device`).toBe(message.id)
  checked.set(device.id, index + 1)
  return payload
}

beforeAll(async () => {
  server = await startServer({ mongoUri: inject('mongoUri'), env: { PARLEY_TEST_PUSH_HTTP_ENDPOINTS: '1' } })
  push = await startPushService(async () => (await api<{ publicKey: string }>(url(), ana, 'GET', '/api/push/vapid-public-key')).body.publicKey)
  ;[ana, bob, cy] = await Promise.all([signUp(url(), { username: `ana${Date.now() % 1e6}`, displayName: 'Ana Lima' }), signUp(url(), 'bob'), signUp(url(), 'cy')])
  directId = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id
  groupId = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'group', name: 'Push group', memberIds: [bob.id, cy.id] })).body.id
  bobPhone = push.device()
  await subscribe(bob, bobPhone)
})

afterAll(async () => {
  expect(push?.failures).toEqual([])
  // Every push Bob's phone got was one a test expected.
  if (bobPhone) expect(bobPhone.received.map(push => push.payload.messageId)).toHaveLength(checked.get(bobPhone.id) ?? 0)
  await Promise.all([server?.stop(), push?.stop()])
})

describe('Web Push', () => {
  it('gives the public key to sign in with, and refuses a bad subscription', async () => {
    const key = (await api<{ publicKey: string }>(url(), bob, 'GET', '/api/push/vapid-public-key')).body.publicKey
    expect(Buffer.from(key, 'base64url')).toHaveLength(65)
    expect((await api(url(), null, 'GET', '/api/push/vapid-public-key')).status).toBe(401)
    for (const body of [{}, { endpoint: 'not a url', keys: bobPhone.subscription.keys }, { ...bobPhone.subscription, keys: { p256dh: 'AAAA', auth: bobPhone.subscription.keys.auth } }, { endpoint: 'javascript:alert(1)', keys: bobPhone.subscription.keys }]) {
      const response = await api(url(), bob, 'PUT', '/api/push/subscription', body)
      expect(response.status).toBe(400)
      expect(response.body.data.code).toBe('validation_failed')
    }
  })

  it('pushes a direct message: sender, chat, the words without Markdown, the chat\'s URL', async () => {
    const message = await send(ana, directId, '**Lunch** at _noon_? <script>alert(1)</script>')
    const payload = await expectNextPush(bobPhone, message)
    expect(payload).toEqual({
      title: 'Ana Lima', body: 'Lunch at noon? <script>alert(1)</script>', url: `/chats/${directId}`,
      tag: `parley:${directId}`, chatId: directId, messageId: message.id,
    })
    expect(bobPhone.received.at(-1)!.headers.urgency).toBe('high')
  })

  it('pushes a mention in a group, not its other messages, and never the sender\'s own', async () => {
    await send(ana, groupId, 'nobody named here')
    await send(bob, directId, 'my own message')
    await send(bob, groupId, `@${bob.username} talking to myself`)
    const mention = await send(ana, groupId, `ping @${bob.username}`)
    const payload = await expectNextPush(bobPhone, mention)
    expect(payload).toMatchObject({ title: 'Ana Lima in Push group', body: `ping @${bob.username}`, url: `/chats/${groupId}` })
  })

  it('pushes @all to a channel\'s members, and @here only to those online', async () => {
    const channelId = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'channel', name: `push-${Date.now()}` })).body.id
    expect((await api(url(), bob, 'POST', `/api/chats/${channelId}/join`)).status).toBe(200)
    await send(ana, channelId, 'plain channel talk')
    // Bob has no tab open: he is not "here".
    await send(ana, groupId, '@here anyone?')
    const all = await send(ana, channelId, '@all the channel moves tomorrow')
    expect(await expectNextPush(bobPhone, all)).toMatchObject({ title: expect.stringMatching(/ in #push-/), url: `/chats/${channelId}` })
    // With a tab open (hidden), he is.
    const tab = await TestSocket.connect(url(), { token: bob.token })
    try {
      await tab.request({ type: 'visibility', visible: false })
      const here = await send(ana, groupId, '@here now?')
      await expectNextPush(bobPhone, here)
    }
    finally {
      await tab.close()
    }
  })

  it('follows the chat\'s setting: muted (for good or for a while) never, "mentions only" only mentions', async () => {
    // Each phase ends with a mention in the group (whose setting stays): its push proves the
    // direct message before it was handled under the setting of its phase.
    const groupMention = () => send(ana, groupId, `@${bob.username} marker`)
    await settings(bob, directId, { notify: 'none' })
    await send(ana, directId, `muted, even @${bob.username}`)
    await expectNextPush(bobPhone, await groupMention())
    await settings(bob, directId, { notify: 'all', muteHours: 1 })
    await send(ana, directId, 'muted for an hour')
    await expectNextPush(bobPhone, await groupMention())
    await settings(bob, directId, { notify: 'mentions', muteHours: null })
    await send(ana, directId, 'not a mention')
    const mention = await send(ana, directId, `@${bob.username} this one`)
    await expectNextPush(bobPhone, mention)
    await settings(bob, directId, { notify: 'all' })
  })

  it('waits while one of the person\'s tabs is visible', async () => {
    const tab = await TestSocket.connect(url(), { token: bob.token })
    try {
      tab.send({ type: 'visibility', id: 'shown', visible: true })
      await tab.waitFor(frame => frame.type === 'ack' && frame.id === 'shown')
      await send(ana, directId, 'seen in the open tab')
      tab.send({ type: 'visibility', id: 'hidden', visible: false })
      await tab.waitFor(frame => frame.type === 'ack' && frame.id === 'hidden')
      const later = await send(ana, directId, 'the tab is hidden now')
      await expectNextPush(bobPhone, later)
    }
    finally {
      await tab.close()
    }
  })

  it('ends a subscription with its session, and on request', async () => {
    const laptop = push.device()
    const login = await loginUser(url(), bob.username, TEST_PASSWORD)
    const laptopSession = { token: login.body.accessToken }
    await subscribe(laptopSession, laptop)
    const both = await send(ana, directId, 'to both devices')
    await Promise.all([expectNextPush(bobPhone, both), expectNextPush(laptop, both)])

    expect((await api(url(), laptopSession, 'POST', '/api/auth/logout')).status).toBe(204)
    const afterLogout = await send(ana, directId, 'the laptop signed out')
    await expectNextPush(bobPhone, afterLogout)
    expect(laptop.received).toHaveLength(1)

    const tablet = push.device()
    const other = { token: (await loginUser(url(), bob.username, TEST_PASSWORD)).body.accessToken }
    await subscribe(other, tablet)
    expect((await api(url(), other, 'DELETE', '/api/push/subscription')).status).toBe(204)
    expect((await api(url(), other, 'DELETE', '/api/push/subscription')).status).toBe(204)
    const afterUnsubscribe = await send(ana, directId, 'the tablet unsubscribed')
    await expectNextPush(bobPhone, afterUnsubscribe)
    expect(tablet.received).toHaveLength(0)
  })

  it('stops pushing to a session revoked from another device', async () => {
    const laptop = push.device()
    const laptopSession = { token: (await loginUser(url(), bob.username, TEST_PASSWORD)).body.accessToken }
    await subscribe(laptopSession, laptop)
    const before = await send(ana, directId, 'the laptop is still signed in')
    await Promise.all([expectNextPush(bobPhone, before), expectNextPush(laptop, before)])

    // From the phone, Bob signs the laptop out (Settings, "Where you're signed in").
    const sessions = await api<{ items: Array<{ id: string, current: boolean }> }>(url(), laptopSession, 'GET', '/api/auth/sessions')
    const laptopId = sessions.body.items.find(session => session.current)!.id
    expect((await api(url(), bob, 'DELETE', `/api/auth/sessions/${laptopId}`)).status).toBe(204)
    const after = await send(ana, directId, 'the laptop was signed out from the phone')
    await expectNextPush(bobPhone, after)
    expect(laptop.received).toHaveLength(1)
  })

  it('stops pushing to the other sessions a password change ends, not to the one that changed it', async () => {
    const eve = await signUp(url(), 'eve')
    const [evePhone, eveLaptop] = [push.device(), push.device()]
    const laptopSession = { token: (await loginUser(url(), eve.username, TEST_PASSWORD)).body.accessToken }
    await Promise.all([subscribe(eve, evePhone), subscribe(laptopSession, eveLaptop)])
    const direct = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'direct', userId: eve.id })).body.id
    const before = await send(ana, direct, 'both of Eve\'s devices')
    await Promise.all([expectNextPush(evePhone, before), expectNextPush(eveLaptop, before)])

    // From the phone, Eve changes her password: every other session ends (docs/api-accounts.md).
    expect((await api(url(), eve, 'PUT', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' })).status).toBe(204)
    await expectNextPush(evePhone, await send(ana, direct, 'after the password change'))
    // One message at a time: once this one reached the phone, the one before has been handled.
    await expectNextPush(evePhone, await send(ana, direct, 'and a marker'))
    expect(eveLaptop.received).toHaveLength(1)
  })

  it('stops pushing to every session of a banned account', async () => {
    const [fay, admin] = await Promise.all([signUp(url(), 'fay'), signUp(url(), 'pushadmin')])
    const database = await connectDatabase(inject('mongoUri'))
    try {
      // Making an admin is what no person can do through the app.
      await database.collection('users').updateOne({ usernameLower: admin.username.toLowerCase() }, { $set: { role: 'admin' } })
    }
    finally {
      await database.close()
    }
    const fayPhone = push.device()
    await subscribe(fay, fayPhone)
    const direct = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'direct', userId: fay.id })).body.id
    await expectNextPush(fayPhone, await send(ana, direct, 'hello Fay'))
    expect((await api(url(), admin, 'PATCH', `/api/admin/users/${fay.id}`, { banned: true })).status).toBe(200)
    await send(ana, direct, 'Fay is banned')
    const marker = await send(ana, directId, 'after Fay was banned')
    await expectNextPush(bobPhone, marker)
    expect(fayPhone.received).toHaveLength(1)
  })

  it('forgets a subscription the push service says is gone (410)', async () => {
    const old = push.device()
    old.answer = 410
    const session = { token: (await loginUser(url(), bob.username, TEST_PASSWORD)).body.accessToken }
    await subscribe(session, old)
    const first = await send(ana, directId, 'the old browser is gone')
    await Promise.all([expectNextPush(bobPhone, first), expectNextPush(old, first)])
    const second = await send(ana, directId, 'not tried again')
    await expectNextPush(bobPhone, second)
    expect(old.received).toHaveLength(1)
  })

  it('ends every subscription of a deleted account', async () => {
    const dan = await signUp(url(), 'dan')
    const danPhone = push.device()
    await subscribe(dan, danPhone)
    const direct = (await api<Chat>(url(), ana, 'POST', '/api/chats', { type: 'direct', userId: dan.id })).body.id
    const hello = await send(ana, direct, 'hello Dan')
    await expectNextPush(danPhone, hello)
    expect((await api(url(), dan, 'DELETE', '/api/users/me', { password: TEST_PASSWORD })).status).toBe(204)
    // Nothing reaches a deleted account: its direct chats refuse new messages (api-accounts.md).
    expect((await api(url(), ana, 'POST', `/api/chats/${direct}/messages`, { content: 'Dan is gone' })).status).toBe(403)
    const marker = await send(ana, directId, 'after Dan left')
    await expectNextPush(bobPhone, marker)
    expect(danPhone.received).toHaveLength(1)
  })
})
