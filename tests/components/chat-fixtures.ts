import { afterEach, beforeEach, vi, type Mock } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Me, Message } from '#shared/types/api'
import { useAuthStore } from '~/stores/auth'

export const viewer: Me = {
  id: 'a'.repeat(24), username: 'ana', displayName: 'Ana', role: 'user', createdAt: '2026-01-01T00:00:00.000Z',
  online: true, lastSeenAt: null, email: null, emailVerified: false, country: null, age: null, bio: null, twoFactorEnabled: false, twoFactorEnforced: false, twoFactorSetupRequired: false,
}

export const ben = { id: 'b'.repeat(24), username: 'ben', displayName: 'Ben' }
export const chatId = 'c'.repeat(24)

export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: seq.toString(16).padStart(24, '0'),
    chatId,
    seq,
    changeSeq: seq,
    sender: ben,
    content: `message ${seq}`,
    clientId: null,
    replyTo: null,
    mentions: [],
    mentionsAll: false,
    reactions: [],
    attachments: [],
    createdAt: new Date(Date.UTC(2026, 10, 20, 12, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...overrides,
  }
}

/**
 * Each test of a store file starts with fresh stores, the viewer signed in, `api` (the
 * file's mocked useApi) and localStorage forgotten, and real timers after it.
 */
export function freshStoresForEachTest(api: Mock) {
  beforeEach(() => {
    setActivePinia(createPinia())
    useAuthStore().user = viewer
    api.mockReset()
    localStorage.clear()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
}
