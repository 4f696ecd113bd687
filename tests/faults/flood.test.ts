import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { api, signUp } from '../harness/api-client'
import { percentile, printFigures, startFaultDatabase, storedMessages, type FaultDatabase } from '../harness/faults'
import { TestSocket, type Frame } from '../harness/ws-client'

// Defect 5 of issue 17: the contract's send limit (10/s with bursts of 30, one token
// bucket per user) under a flood from one socket, while another person's sends ack
// quickly; and nothing queued behind the 1008 that ends the flood is stored unacked.

let database: FaultDatabase
let server: RunningServer

beforeAll(async () => {
  database = await startFaultDatabase()
  // The contract's defaults (the test servers otherwise raise them).
  server = await startServer({ mongoUri: database.uri, env: { NUXT_LIMITS_SEND_RATE: '', NUXT_LIMITS_SEND_BURST: '' } })
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await database?.stop()
})

describe('a flood from one socket', () => {
  it('gets exactly the token bucket through, stores nothing it did not ack, and slows nobody else', async () => {
    const [flooder, bystander] = await Promise.all([signUp(server.baseUrl, 'flood'), signUp(server.baseUrl, 'calm')])
    const chatId = (await api(server.baseUrl, flooder, 'POST', '/api/chats', { type: 'group', name: 'Flood', memberIds: [bystander.id] })).body.id as string
    const [floodSocket, calmSocket] = await Promise.all([
      TestSocket.connect(server.baseUrl, { token: flooder.token }),
      TestSocket.connect(server.baseUrl, { token: bystander.token }),
    ])

    // The bystander sends one message every 200 ms (2/s, well inside the limit) throughout.
    const calmLatencies: number[] = []
    const calmAnswers: Frame[] = []
    let flooding = true
    const calm = (async () => {
      for (let i = 0; flooding || i < 5; i++) {
        const started = Date.now()
        calmAnswers.push(await calmSocket.request({ type: 'message.send', chatId, content: `calm ${i}`, clientId: `calm-${i}` }))
        calmLatencies.push(Date.now() - started)
        await new Promise(resolve => setTimeout(resolve, 200))
      }
    })()

    // 400 sends at once, then more every 20 ms until the server closes the socket.
    const started = Date.now()
    let sent = 0
    for (; sent < 400; sent++) floodSocket.send({ type: 'message.send', id: `f${sent}`, chatId, content: `flood ${sent}`, clientId: `flood-${sent}` })
    while (floodSocket.isOpen && Date.now() - started < 20_000) {
      floodSocket.send({ type: 'message.send', id: `f${sent}`, chatId, content: `flood ${sent}`, clientId: `flood-${sent}` })
      sent++
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    const closed = await floodSocket.closed
    const elapsedSeconds = (Date.now() - started) / 1000
    flooding = false
    await calm

    const acked = floodSocket.frames.filter(frame => frame.type === 'ack').length
    const refused = floodSocket.frames.filter(frame => frame.type === 'error' && frame.code === 'rate_limited').length
    const stored = await storedMessages(server.baseUrl, bystander, chatId)
    const storedFromFlood = stored.filter(message => message.sender.id === flooder.id).length
    const calmAcked = calmAnswers.filter(answer => answer.type === 'ack').length
    // The most a token bucket of 30 refilled at 10/s can let through in the time the client saw.
    const allowance = Math.floor(30 + 10 * elapsedSeconds) + 1
    printFigures('flood from one socket', {
      sent, acked, refused, storedFromFlood, unackedButStored: storedFromFlood - acked, allowance, elapsedSeconds: elapsedSeconds.toFixed(1),
      closeCode: closed.code, calmSent: calmAnswers.length, calmAcked, calmP99Ms: percentile(calmLatencies, 99),
    })
    expect(closed.code).toBe(1008)
    expect(acked).toBeGreaterThanOrEqual(30)
    expect(acked).toBeLessThanOrEqual(allowance)
    expect(storedFromFlood).toBe(acked)
    expect(calmAcked).toBe(calmAnswers.length)
    await calmSocket.close()
  })
})
