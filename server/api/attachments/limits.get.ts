import { requireUser } from '../../utils/auth'
import { serverConfig } from '../../utils/config'

// The upload limit a client checks before sending a file's bytes (docs/attachments.md, "In the app").
export default defineEventHandler(async (event) => {
  await requireUser(event)
  return { maxBytes: serverConfig().attachments.maxBytes }
})
