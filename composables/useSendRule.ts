import type { Message } from '#shared/types/api'
import { codePointLength, showsSomething } from '#shared/schemas/common'
import { BLANK_MESSAGE, messageContentSchema, sendContentSchema } from '#shared/schemas/messages'
import { MESSAGE_MAX } from '#shared/limits'
import { waitsForConnection, type Upload } from '~/stores/uploads'

/**
 * Whether the composer's words may go, and what its field says when they may not. The
 * server's own rule (1 to MESSAGE_MAX characters, not only whitespace; with files, the text is
 * an optional caption, in an edit too), checked before sending, and no text that would show
 * nothing (fences alone: an empty grey box). A failed upload is removed or retried first,
 * unless it only waits for the connection: then the message waits with it, as a text does.
 */
export function useSendRule(text: Ref<string>, editing: () => Message | null, attached: Ref<Upload[]>) {
  const length = computed(() => codePointLength(text.value))
  const tooLong = computed(() => length.value > MESSAGE_MAX)
  const hasFiles = computed(() => {
    const edited = editing()
    return edited ? edited.attachments.length > 0 : attached.value.length > 0
  })
  const canSend = computed(() => (hasFiles.value ? sendContentSchema : messageContentSchema).safeParse(text.value).success
    && !rendersNothing(text.value)
    && (!!editing() || attached.value.every(upload => upload.status !== 'failed' || waitsForConnection(upload))))

  // Invisible characters alone (U+200B): the field says why they cannot go, in the server's
  // words, where Save or Send only stayed disabled and told nothing (docs/messages.md, "Blank
  // messages"; tests/e2e/chat-messages.spec.ts). Spaces alone are only an empty field.
  const blankError = computed(() => text.value.trim() !== '' && !showsSomething(text.value) && !hasFiles.value ? BLANK_MESSAGE : undefined)
  const fieldError = computed(() => tooLong.value ? `${length.value} / ${MESSAGE_MAX} characters` : blankError.value)

  return { canSend, fieldError }
}
