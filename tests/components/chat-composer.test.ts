import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import Composer from '~~/components/chat/Composer.vue'
import { ben, message, viewer } from './chat-fixtures'

const props = { chatId: 'a'.repeat(24), replyTo: null, editing: null }

describe('composer', () => {
  it('sends on Enter, adds a line on Shift+Enter, and refuses a blank message', async () => {
    const wrapper = await mountSuspended(Composer, { props })
    const field = wrapper.get('textarea')
    await field.setValue('   ')
    await field.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toBeUndefined()
    expect(wrapper.get('button[aria-label="Send"]').attributes()).toHaveProperty('disabled')

    await field.setValue('first line')
    await field.trigger('keydown', { key: 'Enter', shiftKey: true })
    expect(wrapper.emitted('send')).toBeUndefined()
    await field.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['first line', []]])
    expect((field.element as HTMLTextAreaElement).value).toBe('')
  })

  it('keeps a draft per chat', async () => {
    useAuthStore().user = viewer
    const wrapper = await mountSuspended(Composer, { props })
    const field = wrapper.get('textarea')
    await field.setValue('half a thought')
    await wrapper.setProps({ chatId: 'b'.repeat(24) })
    expect((field.element as HTMLTextAreaElement).value).toBe('')
    await wrapper.setProps({ chatId: 'a'.repeat(24) })
    expect((field.element as HTMLTextAreaElement).value).toBe('half a thought')
  })

  it('keeps a draft for the account that wrote it only (docs/ui.md, "Drafts are their writer\'s")', async () => {
    const auth = useAuthStore()
    auth.user = viewer
    const wrapper = await mountSuspended(Composer, { props: { ...props, chatId: 'e'.repeat(24) } })
    const field = wrapper.get('textarea')
    await field.setValue('PRIVATE: not for Ben')
    auth.user = null
    await nextTick()
    expect((field.element as HTMLTextAreaElement).value).toBe('')
    auth.user = { ...viewer, id: ben.id, username: ben.username, displayName: ben.displayName }
    await nextTick()
    expect((field.element as HTMLTextAreaElement).value).toBe('')
    auth.user = viewer
    await nextTick()
    expect((field.element as HTMLTextAreaElement).value).toBe('PRIVATE: not for Ben')
  })
})

describe('composer editing', () => {
  it('keeps the words being typed when the message edited changes meanwhile (a reaction, an edit elsewhere)', async () => {
    const original = message(1, { sender: { id: viewer.id, username: viewer.username, displayName: viewer.displayName } })
    const wrapper = await mountSuspended(Composer, { props: { ...props, chatId: 'd'.repeat(24) } })
    const field = wrapper.get('textarea')
    await wrapper.setProps({ editing: original })
    expect((field.element as HTMLTextAreaElement).value).toBe('message 1')
    await field.setValue('message 1, corrected')
    await wrapper.setProps({ editing: { ...original, changeSeq: 2, reactions: [{ emoji: '👍', count: 1, userIds: [ben.id] }] } })
    expect((field.element as HTMLTextAreaElement).value).toBe('message 1, corrected')
  })
})

describe('composer formatting keys', () => {
  it('wraps the selection in ** on Ctrl+B and _ on Cmd+I', async () => {
    const wrapper = await mountSuspended(Composer, { props: { ...props, chatId: 'c'.repeat(24) } })
    const field = wrapper.get('textarea')
    const textarea = field.element as HTMLTextAreaElement
    await field.setValue('make this bold')
    textarea.setSelectionRange(10, 14)
    await field.trigger('keydown', { key: 'b', ctrlKey: true })
    expect(textarea.value).toBe('make this **bold**')
    expect([textarea.selectionStart, textarea.selectionEnd]).toEqual([12, 16])

    textarea.setSelectionRange(5, 9)
    await field.trigger('keydown', { key: 'i', metaKey: true })
    expect(textarea.value).toBe('make _this_ **bold**')
    expect(wrapper.emitted('send')).toBeUndefined()
  })
})
