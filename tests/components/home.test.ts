import { describe, expect, it } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import HomePage from '~~/pages/index.vue'

describe('home page', () => {
  it('welcomes the visitor', async () => {
    const wrapper = await mountSuspended(HomePage)
    expect(wrapper.text()).toContain('Welcome to Parley')
  })
})
