import mongoose from 'mongoose'
import { ALL_MODELS } from '../models'
import { migrateChannelKeys } from '../services/chats/channel-key-migration'
import { serverConfig } from '../utils/config'
import { connectDatabase, ensureIndexes } from '../utils/database'
import { errorName, logger } from '../utils/logger'

export default defineNitroPlugin((nitroApp) => {
  const uri = serverConfig().mongodbUri
  if (!uri) {
    logger.error('No database: set NUXT_MONGODB_URI, or install Go >= 1.24 so `npm run dev` can build the embedded one.')
    return
  }
  // Queries issued before the connection is up wait for it (mongoose buffering).
  const ready = connectDatabase(uri).then(() => ensureIndexes(ALL_MODELS))
  ready.catch((error: unknown) => logger.error('database connection failed', { error: errorName(error) }))
  // Channels stored before the directory's search keys get them (docs/api.md, "Channel names").
  ready.then(async () => {
    const migrated = await migrateChannelKeys()
    if (migrated > 0) logger.info('gave old channels their directory search keys', { channels: migrated })
  }, () => {}).catch((error: unknown) => logger.warn('channel key migration failed', { error: errorName(error) }))

  nitroApp.hooks.hook('close', async () => {
    await mongoose.disconnect()
  })
})
