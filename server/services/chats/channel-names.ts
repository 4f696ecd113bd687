import { foldForSearch } from '#shared/markdown'
import type { ChatRecord } from '../../models'
import { escapeRegex } from '../../utils/regex'

// The keys that keep channel names unique (a ChatKey document per name) and order the directory.

/**
 * How channel names compare (uniqueness, the directory's order and search): trimmed,
 * composed (NFC: "e\u0301" is "\u00E9") and in lower case (docs/api.md, "Channel names").
 */
export function channelNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase()
}

/**
 * How the directory's search compares a channel's name and topic, and its query: as
 * channelNameKey, then folded as message search folds (`foldForSearch`: "Café", "CAFÉ" and
 * "cafe" are one, as are "München" and "munchen"). Stored beside the name (`searchKey`,
 * `topicKey`) so that the directory's scan compares strings and reads nothing else.
 */
export function channelSearchKey(text: string): string {
  return foldForSearch(channelNameKey(text)).toLowerCase()
}

/** A channel's stored search fields, written with its name and topic. */
export function channelSearchKeys(name: string, topic: string | null | undefined): { searchKey: string, topicKey: string | null } {
  return { searchKey: channelSearchKey(name), topicKey: topic ? channelSearchKey(topic) : null }
}

export function channelKey(name: string): string {
  return `channel:${channelNameKey(name)}`
}

/**
 * The key a channel holds, as stored: a channel named before names were composed (NFC) holds
 * the key of its name as typed, which channelKey would miss, leaving that name taken for good.
 */
export function heldChannelKey(chat: Pick<ChatRecord, 'name' | 'nameKey'>): string {
  return chat.nameKey ? `channel:${chat.nameKey}` : channelKey(chat.name ?? '')
}

/**
 * The directory's condition for what was typed (listPublicChats), or null for nothing typed:
 * found anywhere in the folded name or topic; a channel stored before the folded keys, by
 * its name and topic as before, until the start-up migration gives it them.
 */
export function channelSearchCondition(typed: string): Record<string, unknown> | null {
  const q = channelNameKey(typed)
  if (!q) return null
  const folded = escapeRegex(channelSearchKey(typed))
  return { $or: [
    { searchKey: { $regex: folded } },
    { topicKey: { $regex: folded } },
    { searchKey: null, nameKey: { $regex: escapeRegex(q) } },
    { searchKey: null, topic: { $regex: escapeRegex(q), $options: 'i' } },
  ] }
}
