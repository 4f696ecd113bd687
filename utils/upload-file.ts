import type { Attachment } from '#shared/types/api'
import { isApiErrorBody } from '#shared/errors'
import { toApiErrorBody } from './errors'

/** A running upload: its answer, and how to stop it. */
export interface UploadRequest {
  done: Promise<Attachment>
  abort: () => void
}

/** Thrown when the person cancelled the upload (nothing to report). */
export class UploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled')
    this.name = 'UploadCancelled'
  }
}

/**
 * Sends one file as the raw body of `POST /api/chats/:id/attachments`, its name in
 * `X-File-Name` (docs/api.md, Attachments). XMLHttpRequest, not fetch: only it reports
 * upload progress. The access cookie authenticates it, as any same-origin request;
 * `headers` name the person it is for (`X-Expected-User`, stores/auth.ts).
 * Failures reject with the contract's error body (status 0 when the server was not reached).
 */
export function uploadFile(chatId: string, file: File, onProgress: (fraction: number) => void, headers: Record<string, string> = {}): UploadRequest {
  const request = new XMLHttpRequest()
  const done = new Promise<Attachment>((resolve, reject) => {
    request.open('POST', `/api/chats/${chatId}/attachments`)
    request.setRequestHeader('content-type', file.type || 'application/octet-stream')
    request.setRequestHeader('x-file-name', encodeURIComponent(file.name || 'file'))
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value)
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total))
    }
    request.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(request.responseText)
      }
      catch {
        // Not JSON: told from the status below.
      }
      if (request.status === 201 && body && typeof body === 'object' && 'attachment' in body) {
        onProgress(1)
        resolve((body as { attachment: Attachment }).attachment)
      }
      else {
        reject(isApiErrorBody(body) ? body : toApiErrorBody({ statusCode: request.status }))
      }
    }
    request.onerror = () => reject(toApiErrorBody({ statusCode: 0 }))
    request.onabort = () => reject(new UploadCancelled())
    request.send(file)
  })
  return { done, abort: () => request.abort() }
}
