import type { PushSubscriptionInput } from '#shared/schemas/push'
import { PushDevicesModel, SessionModel, type PushDeviceFields, type PushDevicesRecord } from '../../models'
import type { Actor } from '../../utils/auth'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { withLock } from '../../utils/lock'

// Web Push subscriptions, one per session (docs/messages.md, "Web Push"): a device that
// signs out, or whose session is revoked, stops being pushed to at once. All of a user's
// are kept in one document by `_id` (the user id) under the keyed lock `push:<userId>`.

/** At most this many devices per person; a new one replaces the oldest. */
export const MAX_PUSH_DEVICES = 20

export interface PushDevice extends PushDeviceFields { userId: string }

async function changeDevices(userId: string, change: (devices: PushDeviceFields[]) => PushDeviceFields[]): Promise<void> {
  await withLock(`push:${userId}`, async () => {
    const current = await PushDevicesModel.findById(userId).lean<PushDevicesRecord>().exec()
    const before = current?.devices ?? []
    const devices = change(before)
    if (devices.length === before.length && devices.every((device, index) => device === before[index])) return
    if (devices.length === 0) await PushDevicesModel.deleteOne({ _id: userId }).exec()
    else await PushDevicesModel.updateOne({ _id: userId }, { $set: { devices } }, { upsert: true }).exec()
  })
}

/** Push to this session's browser from now on (replacing what it subscribed before). */
export async function saveSubscription(actor: Pick<Actor, 'userId' | 'sessionId'>, input: PushSubscriptionInput): Promise<void> {
  // Push services are HTTPS: anything else would let a client make the server post to
  // addresses of its choosing. Only the server under test accepts a local HTTP endpoint.
  if (!input.endpoint.startsWith('https://') && !serverConfig().pushHttpEndpoints) {
    throw apiError('validation_failed', 'A push endpoint is an https: URL.', { issues: [{ path: ['endpoint'], message: 'Expected an https: URL', code: 'invalid_format' }] })
  }
  const device: PushDeviceFields = { sessionId: actor.sessionId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, createdAt: new Date() }
  await changeDevices(actor.userId, devices => [...devices.filter(each => each.sessionId !== actor.sessionId && each.endpoint !== input.endpoint), device].slice(-MAX_PUSH_DEVICES))
}

/** Stop pushing to these sessions (unsubscribed, signed out, revoked). */
export async function forgetSessions(userId: string, sessionIds: string[]): Promise<void> {
  const gone = new Set(sessionIds)
  await changeDevices(userId, devices => devices.filter(device => !gone.has(device.sessionId)))
}

/** A push service said the subscription is gone (404/410): forget that endpoint. */
export async function forgetEndpoint(userId: string, endpoint: string): Promise<void> {
  await changeDevices(userId, devices => devices.filter(device => device.endpoint !== endpoint))
}

/** A deleted account's devices. */
export async function forgetUser(userId: string): Promise<void> {
  await withLock(`push:${userId}`, () => PushDevicesModel.deleteOne({ _id: userId }).exec())
}

/**
 * The devices of these people whose sessions still live: one `$in` on the devices, one on
 * their sessions (an expired or revoked session's device is skipped, and forgotten).
 */
export async function liveDevicesOf(userIds: string[]): Promise<PushDevice[]> {
  if (userIds.length === 0) return []
  const records = await PushDevicesModel.find({ _id: { $in: userIds } }).lean<PushDevicesRecord[]>().exec()
  const devices = records.flatMap(record => record.devices.map(device => ({ ...device, userId: record._id })))
  if (devices.length === 0) return []
  const sessions = await SessionModel.find({ _id: { $in: devices.map(device => device.sessionId) } }, { revokedAt: 1, expiresAt: 1 }).lean<{ _id: unknown, revokedAt: Date | null, expiresAt: Date }[]>().exec()
  const now = Date.now()
  const live = new Set(sessions.filter(session => !session.revokedAt && session.expiresAt.getTime() > now).map(session => String(session._id)))
  const dead = devices.filter(device => !live.has(device.sessionId))
  for (const userId of new Set(dead.map(device => device.userId))) {
    void forgetSessions(userId, dead.filter(device => device.userId === userId).map(device => device.sessionId)).catch(() => {})
  }
  return devices.filter(device => live.has(device.sessionId))
}
