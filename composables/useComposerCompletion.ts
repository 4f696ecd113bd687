import type { MentionOption } from './useMentionCompletion'
import type { ShortcodeOption } from '~/utils/emoji-shortcodes'

/**
 * The composer's caret completions, `@` for people (useMentionCompletion) and `:` for emoji
 * (useEmojiCompletion), one list open at a time, people first; and which list is open and
 * which option active, for the field's aria-controls and aria-activedescendant.
 */
export function useComposerCompletion(chatId: () => string, text: Ref<string>, textarea: () => HTMLTextAreaElement | null | undefined) {
  const mentions = useMentionCompletion(chatId, text)
  const emoji = useEmojiCompletion(text)
  const openList = computed(() => mentions.options.value.length > 0 ? 'mentions' : emoji.options.value.length > 0 ? 'emoji' : null)
  const activeOption = computed(() => openList.value === 'mentions' ? mentions.active.value : emoji.active.value)

  /** Reads the word at the caret after each input or caret move. */
  function update(field: HTMLTextAreaElement) {
    mentions.update(field)
    emoji.update(field)
  }

  /** Handles the keys of the open list; true when the key was used. */
  function onKeydown(event: KeyboardEvent, field: HTMLTextAreaElement): boolean {
    return mentions.onKeydown(event, field) || emoji.onKeydown(event, field)
  }

  function pickMention(option: MentionOption) {
    const field = textarea()
    if (field) mentions.pick(field, option)
  }

  function pickEmoji(option: ShortcodeOption) {
    const field = textarea()
    if (field) emoji.pick(field, option)
  }

  return { mentions, emoji, openList, activeOption, update, onKeydown, pickMention, pickEmoji }
}
