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
    expect(wrapper.emitted('send')).toEqual([['first line']])
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
