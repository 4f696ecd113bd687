import type { Member, Page, User } from '#shared/types/api'
import { isChatWideMention, mayMentionChatWide } from '#shared/mentions'

export interface MentionOption {
  username: string
  label: string
  /** A guest, marked as everywhere people are listed (docs/ui.md, "Guests"). */
  guest?: boolean
  /** Banned by an admin: marked too (docs/ui.md, "Suspended people"). */
  suspended?: boolean
}

// What was typed after `@` at the caret: letters and digits of any script (display names
// are not ASCII: "@Ér" finds Érica), combining marks, "_", "." and "-". A mention starts
// at the start or after anything else than these and "@" (never inside an address).
const TYPED_MENTION = /(?<![\p{L}\p{N}\p{M}_@.-])@([\p{L}\p{N}\p{M}_.-]{0,32})$/u
const MAX_OPTIONS = 8
/** Requests one search of a channel's members may take to fill its options. */
const MEMBER_SEARCH_REQUESTS = 3
const CHAT_WIDE: MentionOption[] = [
  { username: 'here', label: 'Everyone here now' },
  { username: 'all', label: 'Everyone in this chat' },
]
// Slack's and Discord's words for `@all`, offered once a letter of them is typed ("@ev",
// "@ch"): the text then says what the person wrote, and "@" alone lists two options, not four.
const CHAT_WIDE_ALIASES: MentionOption[] = [
  { username: 'channel', label: 'Everyone in this chat' },
  { username: 'everyone', label: 'Everyone in this chat' },
]

/**
 * Completion for `@` in the composer: the chat's members (direct chats and groups, held
 * in the chats store) or a prefix search of the channel's members (channels, whose members
 * may be thousands: `GET /api/chats/:id/members?q=`; never people outside it, whom a
 * mention would not notify), plus `@here` and `@all` (and `@channel`/`@everyone` once typed)
 * where the server would honour them from this person
 * (not in a direct chat; in a channel of more than 50, only for its owners and admins).
 * Arrow keys move, Enter or Tab picks, Escape closes.
 */
export function useMentionCompletion(chatId: () => string, text: Ref<string>) {
  const chats = useChatsStore()
  const auth = useAuthStore()
  const api = useApi()
  const chat = computed(() => chats.byId[chatId()])
  const completion = useCaretCompletion<MentionOption>(text, {
    typed: before => TYPED_MENTION.exec(before)?.[1] ?? null,
    optionsFor: typed => optionsFor(typed),
    complete: (before, option) => before.replace(TYPED_MENTION, `@${option.username} `),
    onTyped: () => {
      if (chat.value && chat.value.type !== 'channel' && !chats.members[chatId()]) void chats.loadMembers(chatId()).catch(() => {})
    },
  })
  /** The typed name after `@` at the caret, or null when the caret is not in a mention. */
  const query = completion.query

  // A channel's members are searched as the name is typed (one more than shown: the
  // person typing may be among them); a failure offers nobody. A page may come back short
  // with more to read (the server reads a bounded number of matching people per request:
  // docs/api.md), so a few pages are followed.
  const { items: found, error, update: applyToFound } = usePagedSearch<User>(
    async (q, cursor) => {
      const wanted = MAX_OPTIONS + 1
      const users: User[] = []
      let next = cursor
      for (let request = 0; request < MEMBER_SEARCH_REQUESTS && users.length < wanted; request++) {
        const page: Page<Member> = await api<Page<Member>>(`/api/chats/${chatId()}/members`, { query: { ...pageQuery(q, next), limit: wanted - users.length } })
        users.push(...page.items.map(member => member.user))
        next = page.nextCursor
        if (!next) break
      }
      return { items: users, nextCursor: next }
    },
    { query, enabled: () => query.value !== null && chat.value?.type === 'channel', debounce: 150, onError: () => {} },
  )
  // A ban, an unban or a new name shows in the options open (a group's members follow in the store).
  followUserChanges(applyToFound)
  const searched = computed(() => error.value ? [] : found.value)

  function optionsFor(typed: string): MentionOption[] {
    const lower = typed.toLowerCase()
    const current = chat.value
    const people = current?.type === 'channel'
      ? searched.value
      : (chats.members[chatId()] ?? []).map(member => member.user)
    // An account named "everyone" before such names were refused is, outside a direct chat,
    // the chat-wide word and not a person: `@everyone` mentions the whole chat (docs/messages.md).
    const isPerson = (user: User) => current?.type === 'direct' || !isChatWideMention(user.username)
    const matches = people
      .filter(user => user.id !== auth.user?.id && user.username !== 'deleted' && isPerson(user))
      .filter(user => user.username.toLowerCase().startsWith(lower) || user.displayName.toLowerCase().startsWith(lower))
      .slice(0, MAX_OPTIONS)
      .map(user => ({ username: user.username, label: user.displayName, guest: user.role === 'guest', suspended: !!user.suspended }))
    const offersWide = !!current && current.type !== 'direct' && mayMentionChatWide(current, current.membership?.role)
    const words = lower === '' ? CHAT_WIDE : [...CHAT_WIDE, ...CHAT_WIDE_ALIASES]
    const wide = offersWide ? words.filter(option => option.username.startsWith(lower)) : []
    return [...matches, ...wide]
  }

  return { options: completion.options, active: completion.active, update: completion.update, pick: completion.pick, onKeydown: completion.onKeydown }
}
