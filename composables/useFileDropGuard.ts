/**
 * Refuses files dropped where nothing takes them (the chat list, the app bar, a page
 * without a chat): a browser opens an unhandled dropped file in the tab, which took the
 * person out of Parley. A target that takes files (the open conversation) prevents the
 * default itself; this runs last, on the window, and only for what is still unhandled.
 * Dragged text and links are left to the browser (a field takes them), and so is a file
 * input, whose own default is to take the file.
 */
export function useFileDropGuard() {
  function refuse(event: DragEvent) {
    if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return
    if (event.target instanceof HTMLInputElement && event.target.type === 'file') return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'none'
  }
  onMounted(() => {
    window.addEventListener('dragover', refuse)
    window.addEventListener('drop', refuse)
  })
  onUnmounted(() => {
    window.removeEventListener('dragover', refuse)
    window.removeEventListener('drop', refuse)
  })
}
