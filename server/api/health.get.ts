import { pingDatabase } from '../utils/database'
import { busStatus } from '../services/realtime/bus'
import { serverConfig } from '../utils/config'

export default defineEventHandler(async (event) => {
  const [dbUp, bus] = await Promise.all([pingDatabase(), busStatus()])
  // Which build answers: during a rolling deploy, which instances run the new one.
  const { version, commit } = serverConfig().build
  setResponseHeader(event, 'cache-control', 'no-store')
  if (!dbUp) {
    setResponseStatus(event, 503)
    return { status: 'degraded', db: 'down', bus, version, commit }
  }
  return { status: 'ok', db: 'up', bus, version, commit }
})
