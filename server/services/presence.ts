// Presence: who is online now. The realtime hub (server/routes/ws.ts) owns the truth;
// everything that renders a User asks here. (Placeholder until the realtime core lands:
// nobody is online.)
export interface Presence {
  online: boolean
  lastSeenAt: Date | null
}

export function getPresence(_userId: string, storedLastSeenAt: Date | null = null): Presence {
  return { online: false, lastSeenAt: storedLastSeenAt }
}
