import { closeRateLimitStore } from '../utils/rate-limit'

// The limiters' Redis connection is shared by every request, so it closes with the
// database: in Nitro's close hook, after the last in-flight request has finished.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('close', closeRateLimitStore)
})
