import { sweepUnsentAttachments } from '../services/attachments/lifecycle'
import { sweepUploadQuotas } from '../services/attachments/quota'
import { serverConfig } from '../utils/config'
import { errorName, logger } from '../utils/logger'
import { onShutdown } from '../utils/shutdown'

// Uploads not sent within NUXT_TIMINGS_ATTACHMENT_TTL_MS are removed (bytes and document),
// and the upload quotas of past days, every NUXT_TIMINGS_ATTACHMENT_SWEEP_MS after the last
// sweep ended: a sweep slower than the interval (a scan on a loaded database) used to be
// joined by the next ones, which piled up until the instance answered 503.
export default defineNitroPlugin(() => {
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  const sweep = async () => {
    try {
      const [attachments, quotas] = await Promise.all([sweepUnsentAttachments(), sweepUploadQuotas()])
      if (attachments > 0) logger.info('swept unsent attachments', { attachments, quotas })
    }
    catch (error) {
      logger.warn('sweep of unsent attachments failed', { error: errorName(error) })
    }
    finally {
      schedule()
    }
  }
  function schedule() {
    if (stopped) return
    timer = setTimeout(sweep, serverConfig().timings.attachmentSweepMs)
    timer.unref()
  }
  schedule()
  onShutdown(() => {
    stopped = true
    if (timer) clearTimeout(timer)
  })
})
