import { describe, expect, it } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import Composer from '~~/components/chat/Composer.vue'

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
    const wrapper = await mountSuspended(Composer, { props })
    const field = wrapper.get('textarea')
    await field.setValue('half a thought')
    await wrapper.setProps({ chatId: 'b'.repeat(24) })
    expect((field.element as HTMLTextAreaElement).value).toBe('')
    await wrapper.setProps({ chatId: 'a'.repeat(24) })
    expect((field.element as HTMLTextAreaElement).value).toBe('half a thought')
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
