import type { ChatRecord } from '../../models'

// The keys that keep channel names unique (a ChatKey document per name) and order the directory.

/**
 * How channel names compare (uniqueness, the directory's order and search): trimmed,
 * composed (NFC: "e\u0301" is "\u00E9") and in lower case (docs/api.md, "Channel names").
 */
export function channelNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase()
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
