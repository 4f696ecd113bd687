import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '~~/utils/errors'

describe('snackbar', () => {
  // Each test starts with an empty queue, as a page does.
  beforeEach(() => setActivePinia(createPinia()))

  it('tells a failed API call in the server\'s own words, not a generic one', () => {
    const snackbar = useSnackbarStore()
    snackbar.notifyError(new ApiError({ statusCode: 403, message: 'Wrong username, email or password.', data: { code: 'invalid_credentials' } }))
    expect(snackbar.current?.message).toBe('Wrong username, email or password.')
    expect(snackbar.current?.color).toBe('error')
  })

  it('keeps a message with an action until the action is done (a failed one leaves it shown)', async () => {
    const snackbar = useSnackbarStore()
    let done = false
    snackbar.notify('2 messages you wrote there were not sent.', { timeout: -1, action: { label: 'Copy', run: () => done } })
    const id = snackbar.queue.at(-1)!.id
    await snackbar.act(id)
    expect(snackbar.queue.some(entry => entry.id === id)).toBe(true)
    done = true
    await snackbar.act(id)
    expect(snackbar.queue.some(entry => entry.id === id)).toBe(false)
  })

  it('shows the short messages that come while one waits to be closed, then that one again', () => {
    const snackbar = useSnackbarStore()
    snackbar.notify('2 messages you wrote there were not sent.', { timeout: -1, action: { label: 'Copy', run: () => false } })
    snackbar.notify('Copying needs clipboard access', { color: 'error' })
    expect(snackbar.current?.message).toBe('Copying needs clipboard access')
    snackbar.dismiss(snackbar.current!.id)
    expect(snackbar.current?.message).toBe('2 messages you wrote there were not sent.')
  })

  it('keeps two notices of the same words with their own actions, and says when each has gone', async () => {
    const snackbar = useSnackbarStore()
    const closed: string[] = []
    const text = 'You are no longer a member of Team. A message you wrote there was not sent.'
    snackbar.notify(text, { timeout: -1, action: { label: 'Copy', run: () => true }, onClose: () => closed.push('first') })
    snackbar.notify(text, { timeout: -1, action: { label: 'Copy', run: () => true }, onClose: () => closed.push('second') })
    expect(snackbar.queue.filter(entry => entry.message === text)).toHaveLength(2)
    await snackbar.act(snackbar.queue[0]!.id)
    expect(closed).toEqual(['first'])
    snackbar.dismiss(snackbar.queue[0]!.id)
    expect(closed).toEqual(['first', 'second'])
  })
})
