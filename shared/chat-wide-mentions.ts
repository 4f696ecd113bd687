/**
 * The words that address a whole chat instead of a person, as people coming from Slack,
 * Mattermost, Rocket.Chat and Discord write them. Their own module (no Markdown parser) so
 * the username schema (shared/schemas/auth.ts) can refuse them as names: a person called
 * "everyone" could never be mentioned alone (docs/messages.md, "Mentions").
 */

/** Everyone in the chat: `@all` (Mattermost, Rocket.Chat), `@channel` (Slack, Mattermost), `@everyone` (Slack, Discord). */
export const EVERYONE_MENTIONS = ['all', 'channel', 'everyone'] as const
/** Every word that addresses the chat (`@here`: the members there now); none of them may be a new username. */
export const CHAT_WIDE_MENTIONS = ['all', 'here', 'channel', 'everyone'] as const

const chatWide = new Set<string>(CHAT_WIDE_MENTIONS)
const everyone = new Set<string>(EVERYONE_MENTIONS)

/** Whether `name` (any letter case, without `@`) addresses the whole chat. */
export function isChatWideMention(name: string): boolean {
  return chatWide.has(name.toLowerCase())
}

/** Whether `name` addresses everyone in the chat, not only those online (`@here`). */
export function isEveryoneMention(name: string): boolean {
  return everyone.has(name.toLowerCase())
}
