import { pingDatabase } from '../utils/database'
import { busStatus } from '../services/realtime/bus'

export default defineEventHandler(async (event) => {
  const [dbUp, bus] = await Promise.all([pingDatabase(), busStatus()])
  setResponseHeader(event, 'cache-control', 'no-store')
  if (!dbUp) {
    setResponseStatus(event, 503)
    return { status: 'degraded', db: 'down', bus }
  }
  return { status: 'ok', db: 'up', bus }
})
