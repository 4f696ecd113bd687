import { instanceId, onEnvelope, publishControl } from './bus'
import type { PresenceTracker } from './presence'

// Whether one of a person's tabs is visible, on any instance: Web Push is never sent
// then (docs/messages.md, "Web Push"), since the open tab already shows the message. Each
// client says so with a `visibility` frame when its socket is ready and whenever the page
// is shown or hidden; a socket that has said nothing counts as hidden. Each instance
// counts its own visible sockets per user and tells the others when a count changes.

let presence: Pick<PresenceTracker, 'socketsEverywhere'> | null = null

/** user → ids of this instance's sockets whose page is visible. */
const localVisible = new Map<string, Set<string>>()
/** user → other instance → how many visible sockets the user has there. */
const remoteVisible = new Map<string, Map<string, number>>()
/** user → when (performance.now(), monotonic) a visible tab of theirs was last hidden or closed. */
const hiddenAt = new Map<string, number>()
const MAX_HIDDEN_KEPT = 10_000
const HIDDEN_KEPT_MS = 10 * 60_000

function noteHidden(userId: string): void {
  const now = performance.now()
  hiddenAt.set(userId, now)
  if (hiddenAt.size <= MAX_HIDDEN_KEPT) return
  for (const [id, at] of hiddenAt) if (now - at > HIDDEN_KEPT_MS) hiddenAt.delete(id)
}

function share(userId: string): void {
  void publishControl({ type: '$visibility', userId, instanceId, visible: localVisible.get(userId)?.size ?? 0 })
}

/** A socket's page was shown or hidden (the `visibility` frame). */
export function setSocketVisible(userId: string, socketId: string, visible: boolean): void {
  const sockets = localVisible.get(userId) ?? new Set<string>()
  const before = sockets.size
  if (visible) sockets.add(socketId)
  else sockets.delete(socketId)
  if (sockets.size > 0) localVisible.set(userId, sockets)
  else localVisible.delete(userId)
  if (sockets.size < before) noteHidden(userId)
  if (sockets.size !== before) share(userId)
}

/** A socket closed: its page no longer counts. */
export function forgetSocketVisibility(userId: string, socketId: string): void {
  setSocketVisible(userId, socketId, false)
}

/**
 * Whether a tab of the user is visible anywhere. Another instance's count counts only
 * while the user has sockets somewhere (presence forgets an instance that went silent).
 */
export function hasVisibleTab(userId: string): boolean {
  if ((localVisible.get(userId)?.size ?? 0) > 0) return true
  const remote = remoteVisible.get(userId)
  if (!remote || !presence || presence.socketsEverywhere(userId) === 0) return false
  for (const count of remote.values()) if (count > 0) return true
  return false
}

/**
 * Whether a tab of the user has been visible at some moment since `since` (a message's
 * sending, performance.now()): then the message was shown there, and is not pushed even if the tab is hidden
 * by the time the push would go out.
 */
export function visibleSince(userId: string, since: number): boolean {
  return hasVisibleTab(userId) || (hiddenAt.get(userId) ?? 0) >= since
}

/** Listens to the other instances' counts (the composition root, realtime/index.ts); returns the stop. */
export function startVisibility(tracker: Pick<PresenceTracker, 'socketsEverywhere'>): () => void {
  presence = tracker
  return onEnvelope(({ event }) => {
    if (event.type === '$presence-sync' && event.instanceId !== instanceId) {
      for (const userId of localVisible.keys()) share(userId)
      return
    }
    if (event.type !== '$visibility' || event.instanceId === instanceId) return
    const instances = remoteVisible.get(event.userId) ?? new Map<string, number>()
    if (event.visible > 0) instances.set(event.instanceId, event.visible)
    else if (instances.delete(event.instanceId)) noteHidden(event.userId)
    if (instances.size > 0) remoteVisible.set(event.userId, instances)
    else remoteVisible.delete(event.userId)
  })
}
