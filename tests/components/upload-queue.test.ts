import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import type { Attachment, Message } from '#shared/types/api'
import Composer from '~~/components/chat/Composer.vue'
import { WAITING_FOR_CONNECTION } from '~~/stores/uploads'
import { message, viewer } from './chat-fixtures'

// The sends go to `api`; the server's upload limit, read once at the first upload, to `limits`.
const { api, limits } = vi.hoisted(() => ({ api: vi.fn(), limits: vi.fn() }))
mockNuxtImport('useApi', () => () => (url: string, options?: unknown) => url === '/api/attachments/limits' ? limits() : api(url, options))

/** A stand-in for the browser's XMLHttpRequest that the test drives: progress, answer, abort. */
class FakeRequest {
  static sent: FakeRequest[] = []
  upload: { onprogress: ((event: { lengthComputable: boolean, loaded: number, total: number }) => void) | null } = { onprogress: null }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null
  status = 0
  responseText = ''
  headers: Record<string, string> = {}
  url = ''
  body: File | null = null
  aborted = false

  open(_method: string, url: string) {
    this.url = url
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }

  send(body: File) {
    this.body = body
    FakeRequest.sent.push(this)
  }

  abort() {
    this.aborted = true
    this.onabort?.()
  }

  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total })
  }

  respond(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

function attachment(id: string, name: string): Attachment {
  return { id, chatId, name, size: 5, type: 'text/plain', kind: 'file', width: null, height: null, url: `/api/attachments/${id}`, thumbnailUrl: null, createdAt: new Date().toISOString() }
}

function file(name: string) {
  return new File(['hello'], name, { type: 'text/plain' })
}

async function mountComposer() {
  return await mountSuspended(Composer, { props: { chatId, replyTo: null, editing: null } })
}

async function pick(wrapper: Awaited<ReturnType<typeof mountComposer>>, files: File[]) {
  const input = wrapper.get('input[type="file"]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
  await flushPromises()
}

// The components use the test app's Pinia; each test has its own chat so none sees another's files.
let chatNumber = 0
let chatId = ''

beforeEach(() => {
  chatId = (++chatNumber).toString(16).padStart(24, 'c')
  useAuthStore().user = viewer
  useSnackbarStore().queue = []
  FakeRequest.sent = []
  vi.stubGlobal('XMLHttpRequest', FakeRequest)
  api.mockReset()
  limits.mockReset()
  limits.mockResolvedValue({ maxBytes: 25 * 1024 * 1024 })
  // The limit is read again for each test's first upload.
  useUploadsStore().reset()
  localStorage.clear()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('upload queue', () => {
  it('uploads each picked file at once, with its name and a progress bar', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('notes.txt'), file('plan.txt')])
    expect(FakeRequest.sent.map(request => request.url)).toEqual([`/api/chats/${chatId}/attachments`, `/api/chats/${chatId}/attachments`])
    expect(FakeRequest.sent[0]!.headers['x-file-name']).toBe('notes.txt')

    FakeRequest.sent[0]!.progress(2, 5)
    await flushPromises()
    const bar = wrapper.get('[aria-label="Uploading notes.txt"]')
    expect(bar.attributes('aria-valuenow')).toBe('40')
    expect(wrapper.text()).toContain('40%')

    FakeRequest.sent[0]!.respond(201, { attachment: attachment('1'.repeat(24), 'notes.txt') })
    await flushPromises()
    expect(wrapper.find('[aria-label="Uploading notes.txt"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Remove notes.txt"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="Uploading plan.txt"]').exists()).toBe(true)
  })

  it('cancels an upload in flight: the request is aborted and the file leaves the composer', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('big.txt')])
    await wrapper.get('[aria-label="Cancel big.txt"]').trigger('click')
    await flushPromises()
    expect(FakeRequest.sent[0]!.aborted).toBe(true)
    expect(wrapper.text()).not.toContain('big.txt')
    expect(useSnackbarStore().queue).toEqual([])
  })

  it('stops and forgets every upload when the person signs out', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('private.txt')])
    useOutboxStore().reset()
    await flushPromises()
    expect(FakeRequest.sent[0]!.aborted).toBe(true)
    expect(wrapper.text()).not.toContain('private.txt')
  })

  it('takes at most 10 files for a message and says so', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, Array.from({ length: 12 }, (_, index) => file(`file-${index}.txt`)))
    expect(FakeRequest.sent).toHaveLength(10)
    expect(wrapper.findAll('li')).toHaveLength(10)
    expect(useSnackbarStore().queue.map(entry => entry.message)).toEqual(['A message holds at most 10 files.'])
  })

  it('shows a failed upload with the server\'s reason, and will not send until it is removed', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('huge.txt')])
    FakeRequest.sent[0]!.respond(413, { statusCode: 413, message: 'The file is larger than 25 MiB.', data: { code: 'payload_too_large' } })
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('The file is larger than 25 MiB.')
    expect(wrapper.get('button[aria-label="Send"]').attributes()).toHaveProperty('disabled')
    // Too large stays too large: no Try again, and the store will not send it again either.
    expect(wrapper.find('[aria-label="Try huge.txt again"]').exists()).toBe(false)
    expect(useUploadsStore().retry(useUploadsStore().queuedIn(chatId)[0]!.key)).toBe(false)

    await wrapper.get('[aria-label="Remove huge.txt"]').trigger('click')
    await wrapper.get('textarea').setValue('just text')
    expect(wrapper.get('button[aria-label="Send"]').attributes()).not.toHaveProperty('disabled')
  })

  it('refuses a file over the server\'s limit before sending a byte of it, and offers only Remove', async () => {
    limits.mockResolvedValue({ maxBytes: 4 })
    const wrapper = await mountComposer()
    await pick(wrapper, [file('huge.txt'), new File(['tiny'], 'tiny.txt', { type: 'text/plain' })])
    // Five bytes against four: only the file within the limit goes.
    expect(FakeRequest.sent.map(request => request.body?.name)).toEqual(['tiny.txt'])
    expect(wrapper.get('[role="alert"]').text()).toBe('A file can have at most 4 B.')
    expect(wrapper.find('[aria-label="Try huge.txt again"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Remove huge.txt"]').exists()).toBe(true)
    expect(limits).toHaveBeenCalledTimes(1)
  })

  it('leaves the limit to the server when it could not be read', async () => {
    limits.mockRejectedValue(Object.assign(new Error('fetch failed'), { response: undefined }))
    const wrapper = await mountComposer()
    await pick(wrapper, [file('notes.txt')])
    expect(FakeRequest.sent).toHaveLength(1)
  })

  it('offers Try again only for a failure a second try may mend', async () => {
    const wrapper = await mountComposer()
    const answers: [string, number][] = [['down.txt', 503], ['slow.txt', 408], ['bad.png', 400], ['quota.txt', 429], ['gone.txt', 403]]
    await pick(wrapper, answers.map(([name]) => file(name)))
    answers.forEach(([, status], index) => FakeRequest.sent[index]!.respond(status, { statusCode: status, message: `failed with ${status}`, data: { code: 'x' } }))
    await flushPromises()
    const offered = answers.filter(([name]) => wrapper.find(`[aria-label="Try ${name} again"]`).exists()).map(([name]) => name)
    expect(offered).toEqual(['down.txt', 'slow.txt'])
    for (const [name] of answers) expect(wrapper.find(`[aria-label="Remove ${name}"]`).exists()).toBe(true)

    // A lost connection (no answer at all) is one too.
    await pick(wrapper, [file('lost.txt')])
    FakeRequest.sent.at(-1)!.onerror?.()
    await flushPromises()
    expect(wrapper.find('[aria-label="Try lost.txt again"]').exists()).toBe(true)
  })

  it('a file cut off again and again while the browser is online stops going again by itself (a proxy\'s size limit resets it the same way)', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('big.txt')])
    const uploads = useUploadsStore()
    // Three cuts wait for the connection, each started again when it "comes back"...
    for (let cut = 1; cut <= 3; cut++) {
      FakeRequest.sent.at(-1)!.onerror?.()
      await flushPromises()
      expect(wrapper.text()).toContain(WAITING_FOR_CONNECTION)
      uploads.retryWaiting()
      await flushPromises()
    }
    expect(FakeRequest.sent).toHaveLength(4)
    // ...the fourth fails plainly: nothing starts it again but the person.
    FakeRequest.sent.at(-1)!.onerror?.()
    await flushPromises()
    expect(wrapper.text()).not.toContain(WAITING_FOR_CONNECTION)
    uploads.retryWaiting()
    await flushPromises()
    expect(FakeRequest.sent).toHaveLength(4)
    expect(wrapper.find('[aria-label="Try big.txt again"]').exists()).toBe(true)
  })
})

describe('sending with files', () => {
  it('waits for the uploads, sends their ids, and a retried send never uploads again', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('report.txt')])
    // A caption is optional; sending now queues the message until its file is uploaded.
    await wrapper.get('textarea').setValue('the report')
    await wrapper.get('textarea').trigger('keydown', { key: 'Enter' })
    const [content, keys] = wrapper.emitted('send')![0] as [string, string[]]
    expect(keys).toHaveLength(1)
    expect(wrapper.findAll('li')).toHaveLength(0)

    const outbox = useOutboxStore()
    outbox.enqueue(chatId, content, null, keys)
    await flushPromises()
    expect(api).not.toHaveBeenCalled()

    // The first send attempt finds no server; the file is uploaded already.
    api.mockRejectedValueOnce(Object.assign(new Error('fetch failed'), { response: undefined }))
    FakeRequest.sent[0]!.respond(201, { attachment: attachment('2'.repeat(24), 'report.txt') })
    await flushPromises()
    expect(api).toHaveBeenCalledTimes(1)
    expect(api.mock.calls[0]![1].body).toMatchObject({ content: 'the report', attachments: ['2'.repeat(24)] })

    const sent: Message = message(9, { chatId, sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName }, clientId: outbox.items[0]!.clientId, attachments: [attachment('2'.repeat(24), 'report.txt')] })
    api.mockResolvedValueOnce(sent)
    outbox.resume()
    await flushPromises()
    expect(api).toHaveBeenCalledTimes(2)
    expect(api.mock.calls[1]![1].body).toMatchObject({ attachments: ['2'.repeat(24)], clientId: sent.clientId })
    expect(FakeRequest.sent).toHaveLength(1)
    expect(outbox.items).toEqual([])
  })

  it('sends the files in the order attached, whichever finished uploading first', async () => {
    const wrapper = await mountComposer()
    await pick(wrapper, [file('one.txt'), file('two.txt')])
    await wrapper.get('textarea').trigger('keydown', { key: 'Enter' })
    const [content, keys] = wrapper.emitted('send')![0] as [string, string[]]
    useOutboxStore().enqueue(chatId, content, null, keys)
    api.mockReturnValue(new Promise(() => {}))
    FakeRequest.sent[1]!.respond(201, { attachment: attachment('4'.repeat(24), 'two.txt') })
    await flushPromises()
    expect(api).not.toHaveBeenCalled()
    FakeRequest.sent[0]!.respond(201, { attachment: attachment('3'.repeat(24), 'one.txt') })
    await flushPromises()
    expect(api.mock.calls[0]![1].body).toMatchObject({ content: '', attachments: ['3'.repeat(24), '4'.repeat(24)] })
  })
})
