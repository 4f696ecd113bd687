import { describe, expect, it } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { nextTick } from 'vue'
import ChatAvatar from '~~/components/chat/Avatar.vue'

describe('chat avatar', () => {
  it('shows a person\'s live presence: a green dot while online, grey once offline', async () => {
    const presence = usePresenceStore()
    presence.apply('user-ana', true, null)
    const wrapper = await mountSuspended(ChatAvatar, { props: { id: 'user-ana', name: 'Ana Lima', showPresence: true } })
    expect(wrapper.text()).toContain('AL')
    expect(wrapper.find('.v-badge__badge').classes()).toContain('bg-success')

    presence.apply('user-ana', false, new Date().toISOString())
    await nextTick()
    expect(wrapper.find('.v-badge__badge').classes()).toContain('bg-grey')
  })

  it('shows no presence dot for a group or a channel', async () => {
    const wrapper = await mountSuspended(ChatAvatar, { props: { id: 'chat-1', name: 'Team', type: 'group' } })
    expect(wrapper.find('.v-badge__badge').attributes('style')).toContain('display: none')
  })
})
