/**
 * A request to the composer of one chat to take the focus once it shows: a chat just made
 * in the New chat dialog opens ready to be written in, as in Slack or Element. Without it
 * the focus fell to the page's content and the first words typed were lost
 * (tests/e2e/user-picker.spec.ts). The composer answers it and clears it.
 */
export function useComposerFocusRequest() {
  return useState<string | null>('composer-focus-request', () => null)
}
