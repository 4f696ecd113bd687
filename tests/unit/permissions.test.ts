import { describe, expect, it } from 'vitest'
import { managesChat, mayAddMembers, mayChangeRoles, mayDeleteChat, mayEditChat, mayRemoveMember, type ChatViewer } from '#shared/permissions'
import type { ChatType, MemberRole, UserRole } from '#shared/types/api'

// The rules the server enforces and the client's menus offer (shared/permissions.ts),
// case by case. The API tests (tests/api/chats.test.ts, chat-admin.test.ts) prove the
// server answers by them; these say what they are.

function viewer(chatType: ChatType, role: MemberRole | null, siteRole: UserRole = 'user'): ChatViewer {
  return { chatType, role, siteRole }
}

describe('managesChat', () => {
  it.each([['owner', true], ['admin', true], ['member', false], [null, false], [undefined, false]] as const)('%s: %s', (role, expected) => {
    expect(managesChat(role)).toBe(expected)
  })
})

describe('mayEditChat', () => {
  it.each([
    ['direct', 'member', 'admin', false],
    ['group', 'owner', 'user', true],
    ['group', 'admin', 'user', true],
    ['group', 'member', 'user', false],
    ['group', 'member', 'admin', true],
    ['channel', 'admin', 'user', true],
    ['channel', 'member', 'user', false],
    ['channel', null, 'user', false],
    ['channel', null, 'admin', true],
  ] as const)('%s, %s, site %s: %s', (type, role, site, expected) => {
    expect(mayEditChat(viewer(type, role, site))).toBe(expected)
  })
})

describe('mayDeleteChat', () => {
  it.each([
    ['direct', 'member', 'user', true],
    ['direct', null, 'admin', false],
    ['group', 'owner', 'user', true],
    ['group', 'admin', 'user', false],
    ['group', 'member', 'admin', false],
    ['channel', 'owner', 'user', true],
    ['channel', 'admin', 'user', false],
    ['channel', null, 'admin', true],
    ['channel', 'member', 'guest', false],
  ] as const)('%s, %s, site %s: %s', (type, role, site, expected) => {
    expect(mayDeleteChat(viewer(type, role, site))).toBe(expected)
  })
})

describe('mayAddMembers', () => {
  it.each([
    ['group', 'owner', true],
    ['group', 'admin', true],
    ['group', 'member', false],
    ['channel', 'owner', false],
    ['direct', 'member', false],
  ] as const)('%s, %s: %s', (type, role, expected) => {
    expect(mayAddMembers(viewer(type, role, 'admin'))).toBe(expected)
  })
})

describe('mayRemoveMember', () => {
  it.each([
    ['group', 'owner', 'user', 'admin', true],
    ['group', 'owner', 'user', 'member', true],
    ['group', 'admin', 'user', 'member', true],
    ['group', 'admin', 'user', 'admin', false],
    ['group', 'member', 'user', 'member', false],
    ['group', 'member', 'admin', 'member', false],
    ['group', 'admin', 'user', 'owner', false],
    ['channel', null, 'admin', 'admin', true],
    ['channel', null, 'admin', 'owner', false],
    ['channel', 'member', 'user', 'member', false],
    ['direct', 'member', 'admin', 'member', false],
  ] as const)('%s, %s, site %s, removing a %s: %s', (type, role, site, target, expected) => {
    expect(mayRemoveMember(viewer(type, role, site), target)).toBe(expected)
  })
})

describe('mayChangeRoles', () => {
  it.each([
    ['group', 'owner', 'user', true],
    ['channel', 'owner', 'user', true],
    ['group', 'admin', 'user', false],
    ['channel', null, 'admin', false],
    ['direct', 'member', 'admin', false],
  ] as const)('%s, %s, site %s: %s', (type, role, site, expected) => {
    expect(mayChangeRoles(viewer(type, role, site))).toBe(expected)
  })
})
