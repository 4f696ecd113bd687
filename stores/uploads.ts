import { defineStore } from 'pinia'
import type { Attachment, AttachmentLimits } from '#shared/types/api'
import { fileTooLargeMessage } from '#shared/bytes'
import { MAX_ATTACHMENTS_PER_MESSAGE } from '#shared/limits'

interface UploadFile {
  key: string
  chatId: string
  name: string
  size: number
  type: string
  /** 0 to 1, from the request's upload progress. */
  progress: number
  error: string | null
  /** A failure that a second try may mend (see `mendable`); false while it has not failed. */
  retryable: boolean
  /** Failed for want of a connection: it starts again by itself when the connection is back (`retryWaiting`). */
  waitingForConnection?: boolean
  /** A local image preview (blob: URL, allowed by the page's img-src) while it uploads. */
  previewUrl: string | null
}

/**
 * One file on its way to the server (docs/attachments.md, "In the app"): the server's
 * attachment comes with 'done', and only with it.
 */
export type Upload = UploadFile & ({ status: 'uploading' | 'failed', attachment?: never } | { status: 'done', attachment: Attachment })

/** Automatic restarts of an upload cut off while the browser is online, before it fails plainly. */
const MAX_ONLINE_CUTS = 3

/** What a file whose upload found no connection says until it starts again. */
export const WAITING_FOR_CONNECTION = 'Waiting for the connection: it uploads once back online.'

/** Whether the upload failed for want of a connection, and goes again by itself when it is back. */
export function waitsForConnection(upload: Upload | undefined): boolean {
  return upload?.status === 'failed' && !!upload.waitingForConnection
}

/** Whether the file is on the server, its attachment made. */
export function isUploaded(upload: Upload | undefined): upload is Extract<Upload, { status: 'done' }> {
  return upload?.status === 'done'
}

/**
 * Failures a second try may mend: the server not reached (status 0), an upload cut off as
 * too slow (408), the server down or overloaded (5xx). The others fail the same way again
 * (413 too large, 400 refused bytes, 429 the day's quota, 403/404 no longer a member):
 * the file can only be removed (docs/attachments.md, "In the app"). Not isTransientFailure,
 * the sends' rule: an upload's 429 is the day's quota, and a 401 here is after the refresh failed.
 */
function mendable(statusCode: number): boolean {
  return statusCode === 0 || statusCode === 408 || statusCode >= 500
}

// Keys are unique per tab: an outbox restored after a reload may name keys of the last tab.
const TAB_PREFIX = Math.random().toString(36).slice(2, 10)
let nextKey = 1

/**
 * Files being uploaded, in memory (a File cannot be stored): the ones a chat's composer
 * holds before sending (`queued`), and the ones a sent message waits for (the outbox names
 * them by key). Each uploads as soon as it is added, with progress and cancel; a finished
 * upload is never sent again, a failed one can be retried while the tab lives.
 * Proven by tests/components/upload-queue.test.ts.
 */
export const useUploadsStore = defineStore('uploads', () => {
  const api = useApi()
  const auth = useAuthStore()
  const snackbar = useSnackbarStore()
  const byKey = ref<Record<string, Upload>>({})
  /** The composer's files per chat, in the order added. */
  const queued = ref<Record<string, string[]>>({})
  const files = new Map<string, File>()
  const requests = new Map<string, UploadRequest>()
  /** Per file, the uploads cut off while the browser said it was online (see MAX_ONLINE_CUTS). */
  const onlineCuts = new Map<string, number>()
  /** Called whenever an upload settles (the outbox sends what waited for it). */
  let onSettled: () => void = () => {}

  function setSettledHandler(handler: () => void) {
    onSettled = handler
  }

  function queuedIn(chatId: string): Upload[] {
    return (queued.value[chatId] ?? []).map(key => byKey.value[key]).filter((upload): upload is Upload => !!upload)
  }

  /**
   * The server's upload limit, read once per tab at the first upload. A file over it is
   * refused here, before its bytes leave: the server's 413 came only after the browser had
   * sent them all (minutes on a slow link). Unknown (the read failed), the server decides.
   */
  let limits: Promise<AttachmentLimits | null> | null = null
  function readLimits(): Promise<AttachmentLimits | null> {
    return limits ??= api<AttachmentLimits>('/api/attachments/limits').then(found => found ?? null, () => {
      limits = null
      return null
    })
  }

  /** The upload's next state, as a new entry (its status decides which fields it has). */
  function enter(key: string, next: (upload: Upload) => Upload): void {
    const upload = byKey.value[key]
    if (upload) byKey.value[key] = next(upload)
  }

  function fail(key: string, error: string, retryable = false, waitingForConnection = false): void {
    enter(key, upload => ({ ...upload, status: 'failed', attachment: undefined, error, retryable, waitingForConnection }))
  }

  async function start(key: string, retried = false) {
    const file = files.get(key)
    if (!byKey.value[key] || !file) return
    enter(key, upload => ({ ...upload, status: 'uploading', attachment: undefined, progress: 0, error: null, retryable: false, waitingForConnection: false }))
    const maxBytes = (await readLimits())?.maxBytes
    // Removed while the limit was read.
    if (files.get(key) !== file) return
    if (maxBytes !== undefined && file.size > maxBytes) {
      fail(key, fileTooLargeMessage(maxBytes))
      onSettled()
      return
    }
    const request = uploadFile(byKey.value[key]!.chatId, file, (fraction) => {
      const upload = byKey.value[key]
      if (upload) upload.progress = fraction
    }, auth.expectedUser(auth.user?.id))
    requests.set(key, request)
    request.done.then((attachment) => {
      enter(key, upload => ({ ...upload, status: 'done', attachment }))
      files.delete(key)
      onlineCuts.delete(key)
    }, async (error: unknown) => {
      if (error instanceof UploadCancelled) return
      const body = toApiErrorBody(error)
      // Another tab signed in another account: this tab takes it (useApi does the same).
      if (body.data.code === 'account_changed') void auth.followBrowserAccount()
      // An expired access token: renew it once, as useApi does for other requests.
      if (body.statusCode === 401 && !retried && await auth.refresh()) return start(key, true)
      // A 401 whose renewal got no answer is the connection's failure, not a refusal.
      const failure = body.statusCode === 401 ? auth.pendingRenewalFailure() ?? body : body
      // No connection (a tunnel): it waits, and goes again when the connection is back, as a
      // text does; it used to stay failed until "Try again" was tapped (FINDINGS-phone 3).
      if (failure.statusCode === 0 && !cutWhileOnline(key)) fail(key, WAITING_FOR_CONNECTION, true, true)
      // Told beside the file it is about: the server's sentence, not a field's technical detail.
      else fail(key, failure.message, mendable(failure.statusCode))
    }).finally(() => {
      if (requests.get(key) === request) requests.delete(key)
      onSettled()
    })
  }

  /**
   * Whether a file's upload, cut off with no answer, has been cut off too often while the
   * browser said it was online to be waiting for the connection: a proxy whose body limit
   * is under the file's size resets the connection the same way, and the file was sent
   * again on every retry for as long as the tab stayed open. Past MAX_ONLINE_CUTS it fails
   * plainly, with "Try again".
   */
  function cutWhileOnline(key: string): boolean {
    if (typeof navigator === 'undefined' || !navigator.onLine) return false
    const cuts = (onlineCuts.get(key) ?? 0) + 1
    onlineCuts.set(key, cuts)
    return cuts > MAX_ONLINE_CUTS
  }

  /** Adds files to a chat's composer and starts uploading them; at most 10 per message. */
  function add(chatId: string, incoming: readonly File[]): void {
    const keys = queued.value[chatId] ?? []
    const room = MAX_ATTACHMENTS_PER_MESSAGE - keys.length
    if (incoming.length > room) snackbar.notify(`A message holds at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`, { color: 'warning' })
    const added: string[] = []
    for (const file of incoming.slice(0, Math.max(0, room))) {
      const key = `upload-${TAB_PREFIX}-${nextKey++}`
      added.push(key)
      const previewUrl = file.type.startsWith('image/') && file.type !== 'image/svg+xml' && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null
      byKey.value[key] = { key, chatId, name: file.name || 'file', size: file.size, type: file.type, progress: 0, status: 'uploading', error: null, retryable: false, previewUrl }
      files.set(key, file)
      void start(key)
    }
    queued.value[chatId] = [...keys, ...added]
  }

  function forget(key: string) {
    byKey.value = Object.fromEntries(Object.entries(byKey.value).filter(([entry]) => entry !== key))
  }

  /** Stops an upload (if running) and forgets it. */
  function cancel(key: string): void {
    const upload = byKey.value[key]
    requests.get(key)?.abort()
    requests.delete(key)
    files.delete(key)
    onlineCuts.delete(key)
    if (upload?.previewUrl) URL.revokeObjectURL(upload.previewUrl)
    forget(key)
    if (upload) queued.value[upload.chatId] = (queued.value[upload.chatId] ?? []).filter(entry => entry !== key)
  }

  /** Uploads a failed file again (its bytes are still in this tab), if that may mend it. Whether it could. */
  function retry(key: string): boolean {
    const upload = byKey.value[key]
    if (upload?.status !== 'failed' || !upload.retryable || !files.has(key)) return false
    onlineCuts.delete(key)
    void start(key)
    return true
  }

  /**
   * The connection is back (the outbox's `resume`: on `online` and each socket `ready`):
   * every upload that failed for want of it starts again, the composer's and the outbox's.
   */
  function retryWaiting(): void {
    for (const upload of Object.values(byKey.value)) {
      if (waitsForConnection(upload) && files.has(upload.key)) void start(upload.key)
    }
  }

  /** Hands the composer's files to a message being sent: they leave the composer, not memory. */
  function take(chatId: string): string[] {
    const keys = queued.value[chatId] ?? []
    queued.value[chatId] = []
    return keys
  }

  /** A sent message carries the attachment now: the local copy goes. */
  function release(key: string): void {
    const upload = byKey.value[key]
    if (upload?.previewUrl) URL.revokeObjectURL(upload.previewUrl)
    files.delete(key)
    forget(key)
  }

  /** Signing out: every upload stops and is forgotten (they belong to the person leaving). */
  function reset(): void {
    for (const key of Object.keys(byKey.value)) cancel(key)
    queued.value = {}
    limits = null
  }

  return { byKey, queued, queuedIn, add, cancel, retry, retryWaiting, take, release, reset, setSettledHandler }
})
