import { z } from 'zod'

// Web Push (docs/messages.md, "Web Push"; docs/api.md, "Push notifications").

const base64url = (bytes: number) => z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, 'Expected base64url')
  .refine(value => Math.floor(value.replace(/=+$/, '').length * 3 / 4) === bytes, { message: `Expected ${bytes} bytes, base64url` })

/** `PushSubscription.toJSON()` of the browser: where to push, and the keys to encrypt for. */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullish(),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(65),
    /** The shared authentication secret (16 bytes). */
    auth: base64url(16),
  }),
})
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionSchema>
