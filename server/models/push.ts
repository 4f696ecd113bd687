import mongoose, { Schema, type InferSchemaType } from 'mongoose'

// Web Push subscriptions (docs/messages.md, "Web Push"): one per session, all of a user's
// in one document whose `_id` is the user id, so the sender reads every recipient's
// devices with one `find({ _id: { $in } })`. A session's subscription goes with it.
const pushDeviceSchema = new Schema({
  sessionId: { type: String, required: true },
  endpoint: { type: String, required: true },
  p256dh: { type: String, required: true },
  auth: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, { _id: false })

const pushDevicesSchema = new Schema({
  _id: { type: String, required: true },
  devices: { type: [pushDeviceSchema], default: [] },
}, { versionKey: false })

export type PushDeviceFields = InferSchemaType<typeof pushDeviceSchema>
export type PushDevicesRecord = InferSchemaType<typeof pushDevicesSchema>
export const PushDevicesModel = (mongoose.models.PushDevices as mongoose.Model<PushDevicesRecord>) || mongoose.model('PushDevices', pushDevicesSchema, 'pushdevices')
