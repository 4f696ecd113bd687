import { describe, expect, it, vi } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import LoginForm from '~~/components/auth/LoginForm.vue'
import GuestForm from '~~/components/auth/GuestForm.vue'
import RegisterForm from '~~/components/auth/RegisterForm.vue'

// Each field's <label for=…> names its input (Vuetify links them by id).
function labels(wrapper: { findAll: (selector: string) => { text: () => string, attributes: (name: string) => string | undefined }[] }) {
  return wrapper.findAll('label').filter(label => label.attributes('for')).map(label => label.text().trim())
}

describe('auth forms', () => {
  it('label the login fields and button', async () => {
    const wrapper = await mountSuspended(LoginForm)
    expect(labels(wrapper)).toEqual(expect.arrayContaining(['Username or email', 'Password']))
    expect(wrapper.find('button[type="submit"]').text()).toBe('Log in')
  })

  it('label the guest entry', async () => {
    const wrapper = await mountSuspended(GuestForm)
    expect(labels(wrapper)).toContain('Guest name')
    expect(wrapper.find('button[type="submit"]').text()).toBe('Continue as guest')
  })

  it('label the registration fields and button', async () => {
    const wrapper = await mountSuspended(RegisterForm)
    expect(labels(wrapper)).toEqual(expect.arrayContaining(['Username', 'Email', 'Password']))
    expect(wrapper.find('button[type="submit"]').text()).toBe('Create account')
  })

  it('check the fields with the shared schemas before sending anything', async () => {
    const wrapper = await mountSuspended(RegisterForm)
    const inputs = wrapper.findAll('input')
    await inputs[0]!.setValue('x')
    await inputs[2]!.setValue('short')
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => {
      expect(wrapper.text()).toContain('Use 3 to 32 letters')
      expect(wrapper.text()).toContain('Use 8 to 256 characters')
    })
  })
})
