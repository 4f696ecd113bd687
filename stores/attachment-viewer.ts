import { defineStore } from 'pinia'

/** Which image the full-screen viewer shows (components/attachments/Viewer.vue); null: closed. */
export const useAttachmentViewerStore = defineStore('attachment-viewer', () => {
  const openId = ref<string | null>(null)

  function open(attachmentId: string) {
    openId.value = attachmentId
  }

  function close() {
    openId.value = null
  }

  return { openId, open, close }
})
