import { beforeAll, describe, expect, inject, it } from 'vitest'
import { api, signUp, type TestUser } from '../harness/api-client'
import { describeApiError } from '../../utils/errors'
import type { ApiErrorBody } from '#shared/errors'

// A POST /api/chats the server refuses says what is wrong, as every other route's refusal
// does ("name: ..."), not zod's "Invalid input" for a body that fits none of the chat
// kinds (docs/api.md, "Errors"; server/utils/errors.ts).
const baseUrl = () => inject('baseUrl')
let ana: TestUser

beforeAll(async () => {
  ana = await signUp(baseUrl(), 'ana')
})

/** What the app tells the person about a refused body (utils/errors.ts describeApiError). */
async function told(body: unknown): Promise<string> {
  const result = await api(baseUrl(), ana, 'POST', '/api/chats', body)
  expect(result.status).toBe(400)
  expect(result.body).toMatchObject({ statusCode: 400, data: { code: 'validation_failed' } })
  return describeApiError(result.body as ApiErrorBody)
}

describe('POST /api/chats with a bad body', () => {
  it('names the missing group name, the missing other person, the wrong type, a bad member id', async () => {
    expect(await told({ type: 'group', memberIds: [] })).toMatch(/^name: .*expected string/)
    expect(await told({ type: 'group', name: '   ' })).toBe('name: The name cannot be blank')
    expect(await told({ type: 'direct' })).toBe('Give userId or username')
    expect(await told({ type: 'direct', userId: 'nope' })).toBe('userId: Expected a 24-character hex id')
    expect(await told({ type: 'dm', userId: ana.id })).toBe('type: Must be one of: direct, group, channel')
    expect(await told({ name: 'No type' })).toBe('type: Must be one of: direct, group, channel')
    expect(await told({ type: 'group', name: 'Team', memberIds: ['zz'] })).toBe('memberIds.0: Expected a 24-character hex id')
    for (const body of [{ type: 'group' }, { type: 'direct' }, { type: 'dm' }]) {
      expect(await told(body)).not.toMatch(/Invalid input$/)
    }
  })
})
