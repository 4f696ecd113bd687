import { EventEmitter } from 'node:events'

/**
 * In-process domain events between services that must not import each other:
 * the accounts service announces revoked sessions, the realtime hub closes their
 * sockets (and forwards the news to other instances over its bus).
 */
export interface DomainEvents {
  /** Sessions that stop working now (logout, revoke, password change or reset, ban, deletion). */
  'sessions.revoked': { userId: string, sessionIds: string[] }
  /** A user's public profile changed (display name, role) or the account was deleted. */
  'user.changed': { userId: string, deleted?: boolean }
}

const emitter = new EventEmitter()
emitter.setMaxListeners(50)

export function emitDomainEvent<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
  emitter.emit(name, payload)
}

export function onDomainEvent<K extends keyof DomainEvents>(name: K, listener: (payload: DomainEvents[K]) => void): () => void {
  emitter.on(name, listener)
  return () => emitter.off(name, listener)
}
