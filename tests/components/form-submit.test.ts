import { describe, expect, it } from 'vitest'
import { changePasswordSchema, forgotPasswordSchema } from '#shared/schemas/auth'
import { useFormSubmit } from '~~/composables/useFormSubmit'
import { toApiErrorBody } from '~~/utils/errors'

describe('useFormSubmit with a shared schema', () => {
  it('hands the task the values as the schema reads them', async () => {
    const sent: unknown[] = []
    const email = ref('  ana@example.com ')
    const { submit } = useFormSubmit(forgotPasswordSchema, () => ({ email: email.value.trim() }), async (input) => {
      sent.push(input)
    })
    await submit()
    expect(sent).toEqual([{ email: 'ana@example.com' }])
  })

  it('does not run the task on values the schema refuses, and tells why as the server would', async () => {
    const failures: unknown[] = []
    let ran = false
    const { submit } = useFormSubmit(changePasswordSchema, () => ({ currentPassword: '', newPassword: 'a long new password' }), async () => {
      ran = true
    }, { onError: failure => failures.push(failure) })
    await submit()
    expect(ran).toBe(false)
    const body = toApiErrorBody(failures[0])
    expect(body.data.code).toBe('validation_failed')
    expect(body.data.issues?.[0]).toMatchObject({ path: ['currentPassword'], message: 'Enter your current password' })
  })
})
