import { useDisplay } from 'vuetify'

/**
 * Whether the app takes its phone layout: the chat list and a conversation as separate
 * screens, no app bar in a conversation. By width below Vuetify's `md` (840 px), and also a
 * touch screen under 500 px tall: a phone on its side is some 850 px wide, and with the
 * desktop layout's app bar, chat list and header beside the keyboard its message log was
 * 23 px tall (tests/e2e/chat-mobile.spec.ts, "a phone on its side...").
 */
export function usePhoneLayout() {
  const { smAndDown, height, platform } = useDisplay()
  return computed(() => smAndDown.value || (platform.value.touch && height.value < 500))
}
