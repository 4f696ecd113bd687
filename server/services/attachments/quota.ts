import { UploadQuotaModel } from '../../models'
import { serverConfig } from '../../utils/config'
import { apiError } from '../../utils/errors'
import { withLock } from '../../utils/lock'

// The daily upload quota (NUXT_ATTACHMENTS_DAILY_BYTES): bytes per person per UTC day, in a
// document `<userId>:<YYYY-MM-DD>` changed under the person's lock.

const DAY_MS = 24 * 60 * 60 * 1000

function dayOf(now: Date): { key: string, endsAt: Date } {
  const day = now.toISOString().slice(0, 10)
  return { key: day, endsAt: new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS) }
}

function overQuota(endsAt: Date, now: Date): Error {
  return apiError('rate_limited', 'You have uploaded as much as one day allows; try again tomorrow.', { retryAfter: (endsAt.getTime() - now.getTime()) / 1000 })
}

/** Refuses at once when today's quota is spent, or would be by `expected` more bytes. */
export async function checkUploadQuota(userId: string, expected = 0, now = new Date()): Promise<void> {
  const { key, endsAt } = dayOf(now)
  const used = (await UploadQuotaModel.findById(`${userId}:${key}`).lean().exec())?.bytes ?? 0
  if (used >= serverConfig().attachments.dailyBytes || used + expected > serverConfig().attachments.dailyBytes) throw overQuota(endsAt, now)
}

/** Counts `bytes` against today's quota, or refuses (429) when they do not fit. */
export async function chargeUploadQuota(userId: string, bytes: number, now = new Date()): Promise<void> {
  const { key, endsAt } = dayOf(now)
  const id = `${userId}:${key}`
  await withLock(`upload-quota:${id}`, async () => {
    const used = (await UploadQuotaModel.findById(id).lean().exec())?.bytes ?? 0
    if (used + bytes > serverConfig().attachments.dailyBytes) throw overQuota(endsAt, now)
    await UploadQuotaModel.updateOne({ _id: id }, { $set: { bytes: used + bytes, expiresAt: endsAt } }, { upsert: true }).exec()
  })
}

/** Removes the quotas of days gone by (the attachment sweep calls it). */
export async function sweepUploadQuotas(now = new Date()): Promise<number> {
  return (await UploadQuotaModel.deleteMany({ expiresAt: { $lte: now } }).exec()).deletedCount ?? 0
}
