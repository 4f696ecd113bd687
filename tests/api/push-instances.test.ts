import { createECDH } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Chat, Message } from '#shared/types/api'
import type { RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp, type TestUser } from '../harness/api-client'
import { startPushService } from '../harness/push-service'
import { startJoinedInstances, type JoinedInstances } from '../harness/redis'
import { TestSocket } from '../harness/ws-client'

// Web Push with two instances joined by Redis (docs/messages.md, "Web Push"): a tab shown
// on one instance holds back the pushes the other sends, and both sign with the keys of
// NUXT_VAPID_PUBLIC_KEY / NUXT_VAPID_PRIVATE_KEY.

const ecdh = createECDH('prime256v1')
ecdh.generateKeys()
const privateKey = ecdh.getPrivateKey()
const vapid = { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: Buffer.concat([Buffer.alloc(32 - privateKey.length), privateKey]).toString('base64url') }

let instances: JoinedInstances
let one: RunningServer
let two: RunningServer
let push: Awaited<ReturnType<typeof startPushService>>

beforeAll(async () => {
  instances = await startJoinedInstances(inject('mongoUri'), {
    PARLEY_TEST_PUSH_HTTP_ENDPOINTS: '1', NUXT_VAPID_PUBLIC_KEY: vapid.publicKey, NUXT_VAPID_PRIVATE_KEY: vapid.privateKey, NUXT_VAPID_SUBJECT: 'mailto:ops@example.com',
  })
  ;({ one, two } = instances)
  push = await startPushService(async () => vapid.publicKey)
}, 120_000)

afterAll(async () => {
  expect(push?.failures).toEqual([])
  await Promise.all([instances?.stop(), push?.stop()])
})

describe('Web Push across instances', () => {
  it('serves the configured key, and waits while a tab on the other instance is visible', async () => {
    const [ana, bob] = await Promise.all([signUp(one.baseUrl, 'ana'), signUp(one.baseUrl, 'bob')]) as [TestUser, TestUser]
    expect((await api<{ publicKey: string }>(two.baseUrl, bob, 'GET', '/api/push/vapid-public-key')).body.publicKey).toBe(vapid.publicKey)
    const direct = (await api<Chat>(one.baseUrl, ana, 'POST', '/api/chats', { type: 'direct', userId: bob.id })).body.id
    const phone = push.device()
    expect((await api(one.baseUrl, bob, 'PUT', '/api/push/subscription', phone.subscription)).status).toBe(204)
    const send = async (content: string) => (await api<Message>(one.baseUrl, ana, 'POST', `/api/chats/${direct}/messages`, { content })).body

    const [anaTab, bobTab] = await Promise.all([TestSocket.connect(one.baseUrl, { token: ana.token }), TestSocket.connect(two.baseUrl, { token: bob.token })])
    try {
      const hello = await send('hello')
      expect((await phone.nextPush(0)).messageId).toBe(hello.id)

      // Bob's tab on instance two is shown. His `read` right after crosses the same bus in
      // order: once Ana's socket on instance one has it, instance one knows the tab is shown.
      const readBy = async (seq: number) => {
        await bobTab.request({ type: 'read', chatId: direct, seq })
        await anaTab.waitFor(frame => frame.type === 'read' && frame.userId === bob.id && frame.seq === seq)
      }
      await bobTab.request({ type: 'visibility', visible: true })
      await readBy(hello.seq)
      const seen = await send('seen in the tab on the other instance')
      await bobTab.request({ type: 'visibility', visible: false })
      await readBy(seen.seq)
      const later = await send('the tab is hidden now')
      expect((await phone.nextPush(1)).messageId).toBe(later.id)
      expect(phone.received).toHaveLength(2)
    }
    finally {
      await Promise.all([anaTab.close(), bobTab.close()])
    }
  })
})
