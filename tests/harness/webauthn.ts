import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers'

// A software passkey for API tests: what a platform authenticator and the browser do
// together, by the WebAuthn spec (ES256 key, "none" attestation, user present and
// verified), with knobs to make each thing the server checks go wrong. The browser tests
// use Chromium's own virtual authenticator instead (tests/e2e/passkeys.spec.ts).

/* eslint-disable @typescript-eslint/no-explicit-any -- the ceremony options are plain JSON from the server */
type Json = any

const b64url = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes))
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest()

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(value >>> 0)
  return bytes
}

const FLAG_USER_PRESENT = 0x01
const FLAG_USER_VERIFIED = 0x04
const FLAG_ATTESTED_DATA = 0x40

export interface CeremonyTweaks {
  /** The page's origin as the browser reports it (default: the server's base URL). */
  origin?: string
  /** The RP id the authenticator scopes to (default: the one in the options). */
  rpId?: string
  /** Present the user handle of someone else. */
  userHandle?: string
  /** The signature counter to report (default: one more than last time). */
  counter?: number
  /** Leave out the user-verified flag. */
  unverified?: boolean
}

export class SoftPasskey {
  readonly credentialId = randomBytes(16)
  private readonly privateKey: KeyObject
  private readonly publicKeyCose: Uint8Array
  private userId: Uint8Array | null = null
  counter = 0

  constructor(private readonly defaultOrigin: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    this.privateKey = privateKey
    const jwk = publicKey.export({ format: 'jwk' })
    this.publicKeyCose = isoCBOR.encode(new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, isoBase64URL.toBuffer(jwk.x!)],
      [-3, isoBase64URL.toBuffer(jwk.y!)],
    ]))
  }

  get id(): string {
    return b64url(this.credentialId)
  }

  private clientData(type: string, challenge: string, tweaks: CeremonyTweaks): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: tweaks.origin ?? this.defaultOrigin, crossOrigin: false }))
  }

  private flags(tweaks: CeremonyTweaks, extra = 0): number {
    return FLAG_USER_PRESENT | (tweaks.unverified ? 0 : FLAG_USER_VERIFIED) | extra
  }

  /** The PublicKeyCredential as JSON, the way @simplewebauthn/browser hands it over. */
  private credential(response: Json): Json {
    return { id: this.id, rawId: this.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {}, response }
  }

  /** navigator.credentials.create() answering the server's registration options. */
  register(options: Json, tweaks: CeremonyTweaks = {}): Json {
    this.userId = isoBase64URL.toBuffer(options.user.id)
    const rpId = tweaks.rpId ?? options.rp.id
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, tweaks)
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(this.credentialId.length)
    const authData = Buffer.concat([
      sha256(rpId), Buffer.from([this.flags(tweaks, FLAG_ATTESTED_DATA)]), uint32(this.counter),
      Buffer.alloc(16), idLength, this.credentialId, Buffer.from(this.publicKeyCose),
    ])
    const noStatement = new Map<string, string>()
    const attestationObject = isoCBOR.encode(new Map<string, string | Uint8Array | Map<string, string>>([['fmt', 'none'], ['attStmt', noStatement], ['authData', authData]]))
    return this.credential({ clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] })
  }

  /** navigator.credentials.get() answering the server's sign-in options. */
  authenticate(options: Json, tweaks: CeremonyTweaks = {}): Json {
    this.counter = tweaks.counter ?? this.counter + 1
    const rpId = tweaks.rpId ?? options.rpId
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, tweaks)
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(tweaks)]), uint32(this.counter)])
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey)
    return this.credential({
      clientDataJSON: b64url(clientDataJSON),
      authenticatorData: b64url(authData),
      signature: b64url(signature),
      userHandle: tweaks.userHandle ?? (this.userId ? b64url(this.userId) : undefined),
    })
  }
}
