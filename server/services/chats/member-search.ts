import type { Member, MemberRole, Page } from '#shared/types/api'
import type { ChatRecord, MembershipRecord, UserRecord } from '../../models'
import { decodeCursor, encodeCursor } from '../../utils/cursor'
import { toMember } from '../../dto/chats'
import { matchesPeopleSearch, searchUsers } from '../accounts/directory'
import { loadUsers, publicUser } from '../accounts/users'
import { findMemberships } from './access'

// The members whose username or display name starts with what was typed (the composer's
// @ completion): members only, since a mention of anyone else notifies nobody
// (docs/messages.md, "Mentions").

/** People read per step of a channel's search, and the steps one request may take. */
const PEOPLE_PER_STEP = 100
const MAX_STEPS = 5

interface SearchOptions { limit: number, cursor?: string, role?: MemberRole }
interface Found { membership: MembershipRecord, user: UserRecord }

const cursorOf = (user: UserRecord) => encodeCursor({ name: user.usernameLower, id: String(user._id) })

function keep(membership: MembershipRecord | undefined, role: MemberRole | undefined): membership is MembershipRecord {
  return !!membership && (!role || membership.role === role)
}

/**
 * A channel may have any number of members, so its memberships are never scanned: the
 * people search by prefix (server/services/accounts/directory.ts, in username order) is
 * read a step at a time, and the memberships of that step's people in this chat are one
 * `$in` of membership ids. Steps go on until the page is full or MAX_STEPS were read; then
 * the page may be short (even empty) and its cursor goes on after the last person read.
 * The cost follows the people who match, never the channel's size
 * (tests/db/member-search-cost.test.ts).
 */
async function searchChannelMembers(chatId: string, q: string, options: SearchOptions): Promise<Page<Member>> {
  const found: Found[] = []
  let cursor = options.cursor
  for (let step = 0; step < MAX_STEPS; step++) {
    const people = await searchUsers({ q, limit: PEOPLE_PER_STEP, cursor })
    const memberships = await findMemberships(chatId, people.users.map(user => String(user._id)))
    for (const [index, user] of people.users.entries()) {
      const membership = memberships.get(String(user._id))
      if (!keep(membership, options.role)) continue
      found.push({ membership, user })
      if (found.length === options.limit) {
        const more = index < people.users.length - 1 || people.nextCursor !== null
        return page(found, more ? cursorOf(user) : null)
      }
    }
    cursor = people.nextCursor ?? undefined
    if (!cursor) break
  }
  return page(found, cursor ?? null)
}

/** A direct chat's or group's members (at most 256): read by `_id` and matched here. */
async function searchSmallChatMembers(chat: ChatRecord, q: string, options: SearchOptions): Promise<Page<Member>> {
  const chatId = chat._id.toHexString()
  const [memberships, users] = await Promise.all([findMemberships(chatId, chat.memberIds ?? []), loadUsers(chat.memberIds ?? [])])
  const matches = matchesPeopleSearch(q)
  const after = decodeCursor(options.cursor)?.name
  const matching = [...memberships.values()]
    .filter(membership => keep(membership, options.role))
    .map(membership => ({ membership, user: users.get(membership.userId) }))
    .filter((entry): entry is Found => !!entry.user)
    .filter(({ user }) => matches(user))
    .filter(({ user }) => !after || user.usernameLower > after)
    .sort((a, b) => (a.user.usernameLower < b.user.usernameLower ? -1 : 1))
  const shown = matching.slice(0, options.limit)
  return page(shown, matching.length > options.limit ? cursorOf(shown.at(-1)!.user) : null)
}

function page(found: Found[], nextCursor: string | null): Page<Member> {
  return { items: found.map(({ membership, user }) => toMember(membership, publicUser(membership.userId, user))), nextCursor }
}

/**
 * `GET /api/chats/:id/members?q=`: the chat's members whose username or display name
 * starts with `q` (case-insensitive), in username order, paged by the last username.
 */
export function searchMembers(chat: ChatRecord, q: string, options: SearchOptions): Promise<Page<Member>> {
  return chat.type === 'channel'
    ? searchChannelMembers(chat._id.toHexString(), q, options)
    : searchSmallChatMembers(chat, q, options)
}
