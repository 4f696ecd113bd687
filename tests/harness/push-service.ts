import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'

// A local push service for tests: the server posts Web Push requests to it, and it
// decrypts each one as a browser would (RFC 8291 on RFC 8188 `aes128gcm`), with the keys
// of the device it made, and checks the VAPID signature (RFC 8292). Nothing leaves the machine.

export interface PushDevice {
  id: string
  /** What the browser's PushSubscription.toJSON() gives, for PUT /api/push/subscription. */
  subscription: { endpoint: string, keys: { p256dh: string, auth: string } }
  /** Every push received, decrypted, in order. */
  received: Array<{ payload: Record<string, unknown>, headers: Record<string, string | string[] | undefined> }>
  /** The status the service answers (410: the browser dropped the subscription). */
  answer: number
  /** Resolves with the next push (or the n-th, counting from the first). */
  nextPush: (index?: number) => Promise<Record<string, unknown>>
}

/** Decrypts an `aes128gcm` Web Push body for the holder of `privateKey`/`auth` (RFC 8291, section 3). */
export function decryptPush(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16)
  const idLength = body[20]!
  const senderPublic = body.subarray(21, 21 + idLength)
  const cipherText = body.subarray(21 + idLength)
  const shared = ecdh.computeSecret(senderPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderPublic])
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, keyInfo, 32))
  const key = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
  const decipher = createDecipheriv('aes-128-gcm', key, nonce)
  decipher.setAuthTag(cipherText.subarray(-16))
  const padded = Buffer.concat([decipher.update(cipherText.subarray(0, -16)), decipher.final()])
  // One record: the text, then the delimiter 0x02, then zero padding.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('not a last record')
  return padded.subarray(0, end)
}

/** Checks the `Authorization: vapid t=<JWT>, k=<key>` header against the server's public key. */
async function verifyVapid(header: string | undefined, audience: string, publicKey: string): Promise<void> {
  const match = /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(header ?? '')
  if (!match) throw new Error(`no VAPID authorization: ${header}`)
  if (match[2] !== publicKey) throw new Error('the VAPID key is not the server\'s')
  const raw = Buffer.from(publicKey, 'base64url')
  const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }
  if (decodeProtectedHeader(match[1]!).alg !== 'ES256') throw new Error('VAPID is not ES256')
  await jwtVerify(match[1]!, await importJWK(jwk, 'ES256'), { audience })
}

export async function startPushService(serverPublicKey: () => Promise<string>) {
  const devices = new Map<string, PushDevice & { ecdh: ReturnType<typeof createECDH>, auth: Buffer, waiters: Array<() => void> }>()
  const failures: string[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk as Buffer))
    request.on('end', () => {
      void (async () => {
        const device = devices.get(request.url?.split('/').pop() ?? '')
        if (!device) return response.writeHead(404).end()
        try {
          if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${request.headers['content-encoding']}`)
          await verifyVapid(request.headers.authorization, origin, await serverPublicKey())
          const payload = JSON.parse(decryptPush(Buffer.concat(chunks), device.ecdh, device.auth).toString('utf8')) as Record<string, unknown>
          device.received.push({ payload, headers: request.headers })
          for (const wake of device.waiters.splice(0)) wake()
          response.writeHead(device.answer).end()
        }
        catch (error) {
          failures.push(String(error))
          response.writeHead(400).end()
        }
      })()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    /** Requests that could not be decrypted or verified (a test expects none). */
    failures,
    /** A new browser: its own P-256 key pair and auth secret, and an endpoint here. */
    device(): PushDevice {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const auth = randomBytes(16)
      const id = randomUUID()
      const device = {
        id, ecdh, auth, waiters: [] as Array<() => void>, received: [] as PushDevice['received'], answer: 201,
        subscription: { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
        nextPush: async (index?: number) => {
          const wanted = index ?? device.received.length
          const deadline = Date.now() + 15_000
          while (device.received.length <= wanted) {
            if (Date.now() > deadline) throw new Error(`push ${wanted} did not arrive`)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 1_000)
              device.waiters.push(() => {
                clearTimeout(timer)
                resolve()
              })
            })
          }
          return device.received[wanted]!.payload
        },
      }
      devices.set(id, device)
      return device
    },
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}
