import type { ChatType, MemberRole, UserRole } from './types/api'

/**
 * Who may do what to a chat and its members: one rule for the server, which enforces it
 * (server/services/chats), and the client, which offers only what the server then allows
 * (the chat header's menu, the members panel). Proved by tests/unit/permissions.test.ts
 * and the API tests of chats and memberships.
 */

/** The viewer in one chat: its type, the viewer's role in it (null: not a member) and on the site. */
export interface ChatViewer {
  chatType: ChatType
  role: MemberRole | null | undefined
  siteRole: UserRole | null | undefined
}

/** A group's or channel's owner and admins manage it (and may address all of a big channel). */
export function managesChat(role: MemberRole | null | undefined): boolean {
  return role === 'owner' || role === 'admin'
}

/** Renaming a group, or a channel's name and topic: its managers, and the site's admins. */
export function mayEditChat(viewer: ChatViewer): boolean {
  return viewer.chatType !== 'direct' && (managesChat(viewer.role) || viewer.siteRole === 'admin')
}

/** A direct chat: either member; a group: its owner; a channel: its owner or a site admin. */
export function mayDeleteChat(viewer: ChatViewer): boolean {
  if (viewer.chatType === 'direct') return !!viewer.role
  if (viewer.chatType === 'group') return viewer.role === 'owner'
  return viewer.role === 'owner' || viewer.siteRole === 'admin'
}

/** People are added to groups only (channels are joined), by the group's managers. */
export function mayAddMembers(viewer: ChatViewer): boolean {
  return viewer.chatType === 'group' && managesChat(viewer.role)
}

/**
 * Removing someone else: never the owner; the owner removes anyone, an admin plain members,
 * and a site admin anyone but the owner of a channel. Nobody is removed from a direct chat.
 */
export function mayRemoveMember(viewer: ChatViewer, targetRole: MemberRole): boolean {
  if (viewer.chatType === 'direct' || targetRole === 'owner') return false
  const siteAdminInChannel = viewer.chatType === 'channel' && viewer.siteRole === 'admin'
  return viewer.role === 'owner' || (viewer.role === 'admin' && targetRole === 'member') || siteAdminInChannel
}

/** Making members admins and back: the owner only (whose own role never changes this way). */
export function mayChangeRoles(viewer: ChatViewer): boolean {
  return viewer.chatType !== 'direct' && viewer.role === 'owner'
}
