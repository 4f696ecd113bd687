import type { ServerOptions } from 'ws'
import { WS_MAX_FRAME_BYTES } from '#shared/limits'

// crossws hands `serverOptions` to ws, whose default frame limit is 100 MiB;
// the contract allows 64 KiB, and bigger frames close the socket with 1009.
export default defineNitroPlugin((nitroApp) => {
  const serverOptions: ServerOptions = { maxPayload: WS_MAX_FRAME_BYTES }
  nitroApp.h3App.options.websocket = {
    ...nitroApp.h3App.options.websocket,
    ...({ serverOptions } as object),
  }
})
