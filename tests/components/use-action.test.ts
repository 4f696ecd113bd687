import { describe, expect, it } from 'vitest'
import { ApiError } from '~~/utils/errors'
import { useAction } from '~~/composables/useAction'

function deferred() {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

const refused = new ApiError({ statusCode: 403, message: 'Only the owner can do that.', data: { code: 'forbidden' } })

describe('useAction', () => {
  it('is busy while the task runs, with the subject of the run for a row\'s spinner', async () => {
    const gate = deferred()
    const action = useAction((_rowId: string) => gate.promise)
    expect(action.busy.value).toBe(false)
    const running = action.run('row-2')
    expect(action.busy.value).toBe(true)
    expect(action.busyWith.value).toBe('row-2')
    gate.resolve()
    await running
    expect(action.busy.value).toBe(false)
    expect(action.busyWith.value).toBeNull()
  })

  it('shows an optimistic change at once and rolls it back when the server refuses', async () => {
    const name = ref('Team')
    const gate = deferred()
    const rename = useAction((_next: string) => gate.promise, {
      optimistic: (next) => {
        const before = name.value
        name.value = next
        return () => {
          name.value = before
        }
      },
    })
    const running = rename.run('Crew')
    expect(name.value).toBe('Crew')
    gate.reject(refused)
    await expect(running).resolves.toBeUndefined()
    expect(name.value).toBe('Team')
  })

  it('keeps the optimistic change when the task succeeds', async () => {
    const name = ref('Team')
    const rename = useAction(async (_next: string) => 'saved', {
      optimistic: (next) => {
        name.value = next
        return () => {
          name.value = 'Team'
        }
      },
    })
    await expect(rename.run('Crew')).resolves.toBe('saved')
    expect(name.value).toBe('Crew')
  })

  it('tells a failure in the snackbar queue, in the server\'s words', async () => {
    const snackbar = useSnackbarStore()
    snackbar.queue = []
    const action = useAction(() => Promise.reject(refused))
    await action.run()
    expect(snackbar.current?.message).toBe('Only the owner can do that.')
    expect(snackbar.current?.color).toBe('error')
    expect(action.busy.value).toBe(false)
  })

  it('clears an earlier failure when the person tries again, so it cannot contradict what follows', async () => {
    const snackbar = useSnackbarStore()
    snackbar.queue = []
    let attempt = 0
    const turnOff = useAction(async () => {
      if (++attempt === 1) throw new ApiError({ statusCode: 401, message: 'Wrong password or code.', data: { code: 'invalid_credentials' } })
      snackbar.notify('Two-factor authentication is off.', { color: 'success' })
    })
    await turnOff.run()
    expect(snackbar.current?.message).toBe('Wrong password or code.')
    await turnOff.run()
    expect(snackbar.queue.map(entry => entry.message)).toEqual(['Two-factor authentication is off.'])
  })

  it('tells a failure in place instead when asked (a dialog, a field)', async () => {
    const snackbar = useSnackbarStore()
    snackbar.queue = []
    const told: string[] = []
    const action = useAction(() => Promise.reject(refused), { onError: error => told.push(failureText(error)) })
    await action.run()
    expect(told).toEqual(['Only the owner can do that.'])
    expect(snackbar.current).toBeNull()
  })
})
