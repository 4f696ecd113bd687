/**
 * A public channel looked at before joining is live, as in Slack's and Element's previews:
 * once its history is held the socket watches it (`chat.watch`, again after each
 * reconnect; the answer's counters catch up what the history missed, utils/realtime-frames.ts)
 * and its events apply as a member's chat's do. Joining needs no unwatch: the membership
 * takes the watch over on the server. Looking elsewhere stops it (docs/api-realtime.md).
 * `previewed`: the channel shown without a membership, socket open; else null.
 */
export function watchChannelPreview(previewed: () => string | null) {
  const chats = useChatsStore()
  const realtime = useRealtime()
  function stopWatching(chatId: string) {
    if (!chats.byId[chatId]?.membership) realtime.send({ type: 'chat.unwatch', chatId })
  }
  watch(previewed, (chatId, before) => {
    if (before && before !== chatId) stopWatching(before)
    if (chatId) realtime.send({ type: 'chat.watch', chatId })
  })
  onBeforeUnmount(() => {
    const chatId = previewed()
    if (chatId) stopWatching(chatId)
  })
}
